/**
 * `ExecutionStore.insert` and `reset` against the oracle: after any sequence of inserts (newest
 * first, or anywhere in time), every filtered page is what a scan of all records gives.
 */
import { Execution } from "@refold-effect/contract"
import type { Fixture } from "@refold-effect/fixtures"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { ExecutionStore } from "../src/index.js"
import { accounts, objectId, record, small } from "./support/data.js"
import * as Oracle from "./support/oracle.js"

const owners = Object.values(accounts)
const inserted = (n: number, createdAt: string, owner = owners[n % owners.length]!) =>
  record({
    _id: objectId(900_000 + n),
    createdAt,
    linked_account_id: owner.linked_account_id,
    org_id: owner.org_id,
    status: Execution.statuses[n % Execution.statuses.length]!,
    execution_source: Execution.sources[n % Execution.sources.length]!,
    type_of_execution: Execution.types[n % Execution.types.length]!
  })

const queries = [
  {},
  { status: "RUNNING" },
  { execution_source: "API Call", execution_type: "SYNC" },
  { start_date: "2024-03-05", end_date: "2024-03-20" },
  { start_date: "2025-01-01" },
  { end_date: "2024-03-03" }
] as const

const agree = (store: ExecutionStore.ExecutionStore, all: ReadonlyArray<Fixture.Record>) => {
  expect(store.size).toBe(all.length)
  for (const owner of owners) {
    for (const q of queries) {
      for (const [page, limit] of [[1, 5], [2, 5], [1, 1000]] as const) {
        const expected = Oracle.page(all, owner.linked_account_id, { ...q, page, limit })
        const { docs, totalDocs } = store.list(owner.linked_account_id, { status: "All", execution_source: "All", execution_type: "All", ...q, page, limit })
        expect(docs.map((d) => d._id)).toEqual(expected.ids)
        expect(totalDocs).toBe(expected.meta.totalDocs)
      }
    }
    expect(store.executions(owner.linked_account_id).map((r) => r._id)).toEqual(Oracle.filtered(all, owner.linked_account_id, {}).map((r) => r._id))
  }
}

describe("ExecutionStore.insert", () => {
  it("puts a new newest execution at the head of its account's pages, shifting older ones by one", () => {
    const data = small(40, 3)
    const store = ExecutionStore.make(data)
    const before = store.list(accounts.acme.linked_account_id, { status: "All", execution_source: "All", execution_type: "All", page: 1, limit: 3 })
    const arrival = inserted(1, "2030-01-01T00:00:00.000Z", accounts.acme)
    store.insert(arrival)
    const after = store.list(accounts.acme.linked_account_id, { status: "All", execution_source: "All", execution_type: "All", page: 1, limit: 3 })
    expect(after.totalDocs).toBe(before.totalDocs + 1)
    expect(after.docs.map((d) => d._id)).toEqual([arrival._id, ...before.docs.slice(0, 2).map((d) => d._id)])
    expect(store.get(accounts.acme.linked_account_id, arrival._id.toUpperCase())).toBe(arrival)
    expect(store.get(accounts.globex.linked_account_id, arrival._id)).toBeUndefined()
  })

  it("keeps every index equal to the oracle over random sequences of inserts, at the head or anywhere", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: Date.UTC(2024, 2, 1), max: Date.UTC(2024, 2, 11) })), { maxLength: 150 }),
        (steps) => {
          const data = small(30, 5)
          const store = ExecutionStore.make(data)
          const all = [...data.executions]
          let newest = Date.UTC(2025, 0, 1)
          steps.forEach(([head, time], n) => {
            const r = inserted(n, new Date(head ? (newest += 1000) : time).toISOString())
            store.insert(r)
            all.push(r)
          })
          agree(store, all)
          store.reset()
          agree(store, data.executions)
        }
      ),
      { numRuns: 40 }
    )
  })

  it("accepts an execution of an account with no executions yet, and ties in createdAt", () => {
    const store = ExecutionStore.make({ accounts: owners, executions: [] })
    const a = inserted(1, "2024-03-01T00:00:00.000Z", accounts.initech)
    const b = inserted(2, "2024-03-01T00:00:00.000Z", accounts.initech)
    store.insert(a)
    store.insert(b)
    agree(store, [a, b])
  })

  it("refuses a duplicate id or an unknown status and leaves the store unchanged", () => {
    const data = small(10, 1)
    const store = ExecutionStore.make(data)
    const existing = data.executions[0]!
    expect(() => store.insert({ ...existing })).toThrow(`Duplicate execution _id ${existing._id}`)
    const bad = { ...inserted(1, "2031-01-01T00:00:00.000Z"), status: "PAUSED" } as unknown as Fixture.Record
    expect(() => store.insert(bad)).toThrow('unknown status "PAUSED"')
    agree(store, data.executions)
  })
})
