/**
 * `ExecutionStore.update` and `remove`, and the indexes of the text filters, against the oracle:
 * after any sequence of inserts, updates and removals, every filtered page, in either order, is
 * what a scan of all records gives.
 */
import { Execution } from "@refold-effect/contract"
import type { Fixture } from "@refold-effect/fixtures"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { ExecutionStore } from "../src/index.js"
import { accounts, objectId, record, small, workflows } from "./support/data.js"
import * as Oracle from "./support/oracle.js"

const owners = Object.values(accounts)

const queries: ReadonlyArray<Omit<Oracle.OracleQuery, "page" | "limit">> = [
  {},
  { status: "RUNNING" },
  { status: "STOPPED", execution_type: "ASYNC" },
  { slug: ["hubspot"] },
  { slug: ["slack", "jira"], status: "COMPLETED" },
  { workflow_name: "Daily Sync" },
  { workflow_id: "6a106ba44480b80424a65289", sortAsc: true },
  { workflow_name: "Daily Sync", slug: ["slack"], execution_source: "Event" },
  { start_date: "2024-03-05", end_date: "2024-03-20", sortAsc: true },
  { execution_id: objectId(3) },
  { execution_id: objectId(900_001), status: "RUNNING" }
]

const agree = (store: ExecutionStore.ExecutionStore, all: ReadonlyArray<Fixture.Record>) => {
  expect(store.size).toBe(all.length)
  for (const owner of owners) {
    for (const q of queries) {
      for (const [page, limit] of [[1, 4], [3, 4], [1, 1000]] as const) {
        const expected = Oracle.page(all, owner.linked_account_id, { ...q, page, limit })
        const { docs, totalDocs } = store.list(owner.linked_account_id, { status: "All", execution_source: "All", execution_type: "All", ...q, page, limit })
        expect({ q, page, ids: docs.map((d) => d._id), totalDocs }).toEqual({ q, page, ids: expected.ids, totalDocs: expected.meta.totalDocs })
      }
    }
  }
  const newestFirst = [...all].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b._id.localeCompare(a._id))
  expect(store.executions().map((r) => r._id)).toEqual(newestFirst.map((r) => r._id))
}

type Step =
  | { readonly _tag: "insert"; readonly n: number; readonly head: boolean; readonly time: number; readonly w: number }
  | { readonly _tag: "update"; readonly pick: number; readonly status: number; readonly source: number; readonly type: number; readonly w: number }
  | { readonly _tag: "remove"; readonly pick: number }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ _tag: fc.constant("insert" as const), n: fc.nat(1000), head: fc.boolean(), time: fc.integer({ min: Date.UTC(2024, 2, 1), max: Date.UTC(2024, 2, 11) }), w: fc.nat(3) }),
  fc.record({ _tag: fc.constant("update" as const), pick: fc.nat(), status: fc.nat(5), source: fc.nat(2), type: fc.nat(1), w: fc.nat(3) }),
  fc.record({ _tag: fc.constant("remove" as const), pick: fc.nat() })
)

describe("ExecutionStore.update and remove", () => {
  it("move an execution between the lists of its filters, and the page follows", () => {
    const data = small(40, 3)
    const store = ExecutionStore.make(data)
    const acme = accounts.acme.linked_account_id
    const q = { status: "STOPPED", execution_source: "All", execution_type: "All", page: 1, limit: 1000 } as const
    // Warm the filter index first, so that the update has to keep it up to date.
    const slackStopped = () => store.list(acme, { ...q, slug: ["slack"] }).docs.map((d) => d._id)
    const running = store.executions(acme).find((r) => r.status !== "STOPPED" && r.associated_application?.slug === "slack")!
    expect(slackStopped()).not.toContain(running._id)
    const next = store.update(running._id.toUpperCase(), { status: "STOPPED" })
    expect(next).not.toBe(running)
    expect(running.status).not.toBe("STOPPED")
    expect(store.get(acme, running._id)).toBe(next)
    expect(slackStopped()).toContain(running._id)
    expect(store.list(acme, q).docs.map((d) => d._id)).toContain(running._id)
    expect(store.remove(running._id)).toBe(true)
    expect(store.remove(running._id)).toBe(false)
    expect(store.get(acme, running._id)).toBeUndefined()
    expect(slackStopped()).not.toContain(running._id)
    expect(store.size).toBe(data.executions.length - 1)
  })

  it("read every record through `current` and keep what it returns in its place", () => {
    const data = small(30, 3)
    const acme = accounts.acme.linked_account_id
    // A record moves on by itself: each read of one not yet seen gives its next version, once.
    let version = 0
    const seen = new Set<Fixture.Record>()
    const store = ExecutionStore.make(data, {
      current: (r) => {
        if (seen.has(r)) return r
        const next = { ...r, updatedAt: `v${++version}` }
        seen.add(next)
        return next
      }
    })
    const first = store.executions(acme)[0]!
    expect(first.updatedAt).toMatch(/^v\d+$/)
    // Kept: every read after it, whatever the way in, gives the same object.
    expect(store.get(acme, first._id)).toBe(first)
    expect(store.find(first._id)).toBe(first)
    expect(store.list(acme, { status: "All", execution_source: "All", execution_type: "All", page: 1, limit: 1 }).docs[0]).toBe(first)
    const all = store.executions()
    expect(all.every((r) => seen.has(r))).toBe(true)
    expect(version).toBe(data.executions.length)
    // A change starts from the current version.
    expect(store.update(first._id, (r) => ({ ...r, name: `${r.updatedAt} renamed` })).name).toBe(`${first.updatedAt} renamed`)
  })

  it("refuses a change of _id, createdAt or account, or an unknown status, and leaves the store as it was", () => {
    const data = small(20, 3)
    const store = ExecutionStore.make(data)
    const r = store.executions(accounts.acme.linked_account_id)[0]!
    expect(() => store.update(r._id, { createdAt: "2030-01-01T00:00:00.000Z" })).toThrow(/createdAt cannot change/)
    expect(() => store.update(r._id, { linked_account_id: "globex" })).toThrow(/linked_account_id cannot change/)
    expect(() => store.update(r._id, (x) => ({ ...x, _id: objectId(123_456) }))).toThrow(/_id cannot change/)
    expect(() => store.update(r._id, { status: "PAUSED" as "RUNNING" })).toThrow(/unknown status "PAUSED"/)
    expect(() => store.update(objectId(999_999), { status: "RUNNING" })).toThrow(/Unknown execution/)
    expect(store.get(accounts.acme.linked_account_id, r._id)).toBe(r)
  })

  it("keeps every index, text filters and sortAsc included, equal to the oracle over random changes", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.boolean(), (steps, warm) => {
        const data = small(30, 5)
        const store = ExecutionStore.make(data)
        const all = new Map(data.executions.map((r) => [r._id, r]))
        // Warm: the filter indexes exist before the changes (kept up to date) or are built after.
        if (warm) agree(store, [...all.values()])
        let newest = Date.UTC(2025, 0, 1)
        for (const s of steps) {
          const ids = [...all.keys()]
          if (s._tag === "insert") {
            const owner = owners[s.n % owners.length]!
            const id = objectId(900_000 + s.n)
            if (all.has(id)) continue
            const r = record({
              _id: id,
              createdAt: new Date(s.head ? (newest += 1000) : s.time).toISOString(),
              linked_account_id: owner.linked_account_id,
              org_id: owner.org_id,
              associated_application: workflows[s.w]!.app,
              associated_workflow: workflows[s.w]!.workflow,
              status: Execution.statuses[s.n % 6]!
            })
            store.insert(r)
            all.set(id, r)
          } else if (ids.length > 0) {
            const id = ids[s.pick % ids.length]!
            if (s._tag === "remove") {
              expect(store.remove(id)).toBe(true)
              all.delete(id)
            } else {
              const next = store.update(id, (r) => ({
                ...r,
                status: Execution.statuses[s.status]!,
                execution_source: Execution.sources[s.source]!,
                type_of_execution: Execution.types[s.type]!,
                associated_application: workflows[s.w]!.app,
                associated_workflow: workflows[s.w]!.workflow
              }))
              all.set(id, next)
            }
          }
        }
        agree(store, [...all.values()])
      }),
      { numRuns: 60 }
    )
  })

  it("inserts at the head in O(1) per list: 100,000 arrivals into one account stay fast and ordered", () => {
    const data = small(50, 2)
    const store = ExecutionStore.make(data)
    const acme = accounts.acme.linked_account_id
    let t = Date.UTC(2025, 0, 1)
    for (let i = 0; i < 100_000; i++) {
      store.insert(record({ _id: objectId(2_000_000 + i), createdAt: new Date((t += 10)).toISOString(), status: Execution.statuses[i % 6]! }))
    }
    const page = store.list(acme, { status: "All", execution_source: "All", execution_type: "All", page: 1, limit: 3 })
    expect(page.docs.map((d) => d._id)).toEqual([objectId(2_099_999), objectId(2_099_998), objectId(2_099_997)])
    const oldest = store.list(acme, { status: "All", execution_source: "All", execution_type: "All", page: 1, limit: 1, sortAsc: true })
    expect(oldest.docs[0]!._id).toBe(Oracle.filtered(data.executions, acme, { sortAsc: true })[0]!._id)
  })
})
