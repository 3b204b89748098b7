/**
 * The list endpoint against an independent oracle (filter everything, sort, slice) over many random
 * queries, and the store's indexes against the same oracle over random data sets.
 */
import { Execution } from "@refold-effect/contract"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { createMockApp, ExecutionStore } from "../src/index.js"
import { accounts, frozen, record, small } from "./support/data.js"
import { asAccount, inProcess } from "./support/http.js"
import * as Oracle from "./support/oracle.js"

const day = fc.integer({ min: 27, max: 42 }).map((d) => new Date(Date.UTC(2024, 1, d)).toISOString().slice(0, 10))
const instant = fc
  .integer({ min: Date.UTC(2024, 1, 27), max: Date.UTC(2024, 2, 13) })
  .map((t) => new Date(t).toISOString())
const bound = fc.option(fc.oneof(day, instant), { nil: undefined })
const filters = fc.record({
  status: fc.option(fc.constantFrom("All", ...Execution.statuses), { nil: undefined }),
  execution_source: fc.option(fc.constantFrom("All", ...Execution.sources, "SCHEDULE", "API_CALL"), { nil: undefined }),
  execution_type: fc.option(fc.constantFrom("All", ...Execution.types), { nil: undefined }),
  start_date: bound,
  end_date: bound
})
const query = fc.record({
  account: fc.constantFrom(...Object.values(accounts).map((a) => a.linked_account_id)),
  page: fc.integer({ min: 1, max: 25 }),
  limit: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constant(1000)),
  filters
})

const defined = (o: Record<string, string | undefined>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, string>
const reversed = (q: { start_date?: string | undefined; end_date?: string | undefined }) => {
  if (q.start_date === undefined || q.end_date === undefined) return false
  const from = Date.parse(q.start_date.length === 10 ? `${q.start_date}T00:00:00Z` : q.start_date)
  const to = q.end_date.length === 10 ? Date.parse(`${q.end_date}T00:00:00Z`) + 86_399_999 : Date.parse(q.end_date)
  return from > to
}

describe("pagination and filters vs an oracle", () => {
  const data = small(700, 7)
  const t = inProcess(createMockApp({ data, ...frozen }))

  it("matches the oracle's page and mongoose-paginate-v2 metadata for any page, limit and filters", async () => {
    await fc.assert(
      fc.asyncProperty(query, async ({ account, page, limit, filters }) => {
        const params = defined({ ...filters, page: String(page), limit: String(limit) })
        const reply = await t.call(`/api/v2/public/execution?${new URLSearchParams(params)}`, { headers: asAccount(account) })
        if (reversed(filters)) {
          expect(reply.status).toBe(400)
          return
        }
        expect(reply.status).toBe(200)
        const expected = Oracle.page(data.executions, account, { ...defined(filters), page, limit })
        const { docs, ...meta } = reply.body as { docs: Array<{ _id: string }> }
        expect(docs.map((d) => d._id)).toEqual(expected.ids)
        expect(meta).toEqual(expected.meta)
      }),
      { numRuns: 400 }
    )
  })

  it("walks every page of every account exactly once", async () => {
    for (const account of Object.values(accounts)) {
      const seen: Array<string> = []
      for (let page = 1; ; page++) {
        const reply = await t.call(`/api/v2/public/execution?limit=7&page=${page}`, { headers: asAccount(account.linked_account_id) })
        const body = reply.body as { docs: Array<{ _id: string }>; nextPage: number | null }
        seen.push(...body.docs.map((d) => d._id))
        if (body.nextPage === null) break
      }
      expect(seen).toEqual(Oracle.filtered(data.executions, account.linked_account_id, {}).map((r) => r._id))
    }
  })
})

describe("ExecutionStore", () => {
  const arbitraryData = fc
    .array(
      fc.record({
        time: fc.integer({ min: Date.UTC(2024, 2, 1), max: Date.UTC(2024, 2, 4) - 1 }),
        edge: fc.constantFrom(undefined, 0, 86_399_999),
        account: fc.constantFrom(...Object.values(accounts)),
        status: fc.constantFrom(...Execution.statuses),
        source: fc.constantFrom(...Execution.sources),
        type: fc.constantFrom(...Execution.types)
      }),
      { maxLength: 80 }
    )
    .map((rows) =>
      rows.map((row, i) =>
        record({
          _id: `6c${i.toString(16).padStart(22, "0")}`,
          // Few distinct instants, so that ties and day edges are common.
          createdAt: new Date(row.edge === undefined ? row.time - (row.time % 3_600_000) : row.time - (row.time % 86_400_000) + row.edge).toISOString(),
          linked_account_id: row.account.linked_account_id,
          org_id: row.account.org_id,
          status: row.status,
          execution_source: row.source,
          type_of_execution: row.type
        })
      )
    )

  it("lists what the oracle lists, for random data sets and queries", () => {
    fc.assert(
      fc.property(arbitraryData, query, (executions, { account, page, limit, filters }) => {
        fc.pre(!reversed(filters))
        const store = ExecutionStore.make({ accounts: Object.values(accounts), executions })
        const q = defined(filters)
        const source = q.execution_source === "SCHEDULE" ? "Schedule" : q.execution_source === "API_CALL" ? "API Call" : q.execution_source
        const slice = store.list(account, {
          page,
          limit,
          status: q.status ?? "All",
          execution_source: source ?? "All",
          execution_type: q.execution_type ?? "All",
          start_date: q.start_date,
          end_date: q.end_date
        })
        const expected = Oracle.page(executions, account, { ...q, page, limit })
        expect(slice.docs.map((d) => d._id)).toEqual(expected.ids)
        expect(slice.totalDocs).toBe(expected.meta.totalDocs)
      }),
      { numRuns: 500 }
    )
  })

  it("keeps each account's executions, newest first, and finds them by id only for their account", () => {
    const data = small(50)
    const store = ExecutionStore.make(data)
    expect(store.size).toBe(data.executions.length)
    for (const account of data.accounts) {
      const own = store.executions(account.linked_account_id)
      expect(own.map((r) => r._id)).toEqual(Oracle.filtered(data.executions, account.linked_account_id, {}).map((r) => r._id))
      for (const r of own) {
        expect(store.get(account.linked_account_id, r._id)).toBe(r)
        for (const other of data.accounts) if (other !== account) expect(store.get(other.linked_account_id, r._id)).toBeUndefined()
      }
    }
    expect(store.executions()).toHaveLength(data.executions.length)
    expect(store.account("globex")).toEqual(accounts.globex)
    expect(store.account("nobody")).toBeUndefined()
  })

  it("refuses a data set with two executions of one _id, naming it", () => {
    const twice = [record({ _id: "6d0000000000000000000001" }), record({ _id: "6D0000000000000000000001" })]
    expect(() => ExecutionStore.make({ accounts: Object.values(accounts), executions: twice })).toThrow(/Duplicate execution _id 6[dD]0+1/)
  })
})
