/**
 * The mock's in-memory data: every execution of a data set, indexed so that a list request costs
 * O(log n) whatever the data set's size and whichever filters it combines.
 *
 * All executions are sorted once, newest first by `createdAt` (ties: `_id` descending), and known by
 * their position in that order (their rank). For every account and every combination of the three
 * enum filters (each a value or `All`), the store keeps the sorted ranks of the matching executions:
 * 7 statuses × 4 sources × 3 types per account, each execution in exactly 8 of them. A date window
 * is a contiguous run of ranks (found by binary search over the creation times), so a query is one
 * list, two binary searches and a slice: no scan, no intersection at request time.
 *
 * @since 0.1.0
 */
import { Execution, ListQuery } from "@refold-effect/contract"
import type { Fixture } from "@refold-effect/fixtures"

/** The indexed executions of a data set. Read-only. */
export interface ExecutionStore {
  /** How many executions the store holds, across all accounts. */
  readonly size: number
  /** The data set's accounts. */
  readonly accounts: ReadonlyArray<Fixture.Account>
  /** The API keys the data set accepts, if it restricts them. */
  readonly apiKeys: ReadonlyArray<string> | undefined
  /** The account with this `linked_account_id`, if the data set defines it. */
  readonly account: (linkedAccountId: string) => Fixture.Account | undefined
  /** One execution of an account; `undefined` when the id is unknown or belongs to another account. */
  readonly get: (linkedAccountId: string, executionId: string) => Fixture.Record | undefined
  /** One page of an account's executions that match the query's filters, newest first. */
  readonly list: (linkedAccountId: string, query: Query) => Slice
  /** Every execution of an account, newest first (or of all accounts when none is given). */
  readonly executions: (linkedAccountId?: string) => ReadonlyArray<Fixture.Record>
}

/**
 * A list query with the API's defaults applied: what `ListQuery.resolve` returns for a decoded
 * `ListQuery`, with the defaulted fields known to be present.
 */
export interface Query extends ListQuery.DateBounds {
  readonly page: number
  readonly limit: number
  readonly status: string
  readonly execution_source: string
  readonly execution_type: string
}

/** The result of {@link ExecutionStore.list}: the page's executions and the size of the filtered set. */
export interface Slice {
  readonly totalDocs: number
  readonly docs: ReadonlyArray<Fixture.Record>
}

const statusIndex = new Map<string, number>(Execution.statuses.map((s, i) => [s, i + 1]))
const sourceIndex = new Map<string, number>(Execution.sources.map((s, i) => [s, i + 1]))
const typeIndex = new Map<string, number>(Execution.types.map((s, i) => [s, i + 1]))
const SOURCES = Execution.sources.length + 1
const TYPES = Execution.types.length + 1
const COMBOS = (Execution.statuses.length + 1) * SOURCES * TYPES

/** The slot of one (status, source, type) combination; index 0 of each stands for `All`. */
const combo = (status: number, source: number, type: number) => (status * SOURCES + source) * TYPES + type

const EMPTY = new Int32Array(0)

/** The first index in `sorted` (ascending) whose value is not below `value`. */
const lowerBound = (sorted: ArrayLike<number>, value: number): number => {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The first rank whose creation time is at or before `time` (times are descending by rank). */
const firstAtOrBefore = (times: Float64Array, time: number): number => {
  let lo = 0
  let hi = times.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (times[mid]! > time) lo = mid + 1
    else hi = mid
  }
  return lo
}

const codeOf = (index: Map<string, number>, field: string, value: string, id: string): number => {
  const code = index.get(value)
  if (code === undefined) throw new Error(`Execution ${id}: unknown ${field} ${JSON.stringify(value)}`)
  return code
}

/** Newest first by `createdAt`, then by `_id` descending, so that every order is deterministic. */
const newestFirst = (a: Fixture.Record, b: Fixture.Record) =>
  a.createdAt > b.createdAt ? -1 : a.createdAt < b.createdAt ? 1 : a._id > b._id ? -1 : a._id < b._id ? 1 : 0

/**
 * Indexes a data set. Throws an `Error` naming the execution when two executions share an `_id`,
 * or when a record's `createdAt`, status, source or type is not one the contract knows (a data set
 * from `DataSet.load` or `DataSet.generate` never has either).
 */
export const make = (data: Fixture.DataSet): ExecutionStore => {
  const records = [...data.executions].sort(newestFirst)
  const times = new Float64Array(records.length)
  const byId = new Map<string, number>()
  const building = new Map<string, Array<Array<number>>>()

  for (let rank = 0; rank < records.length; rank++) {
    const r = records[rank]!
    const id = r._id.toLowerCase()
    if (byId.has(id)) throw new Error(`Duplicate execution _id ${r._id}`)
    byId.set(id, rank)
    times[rank] = Date.parse(r.createdAt)
    if (Number.isNaN(times[rank])) throw new Error(`Execution ${r._id}: createdAt ${JSON.stringify(r.createdAt)} is not a date`)
    const status = codeOf(statusIndex, "status", r.status, r._id)
    const source = codeOf(sourceIndex, "execution_source", r.execution_source, r._id)
    const type = codeOf(typeIndex, "type_of_execution", r.type_of_execution, r._id)
    let lists = building.get(r.linked_account_id)
    if (lists === undefined) {
      lists = Array.from({ length: COMBOS }, () => [])
      building.set(r.linked_account_id, lists)
    }
    for (const s of [0, status]) for (const o of [0, source]) for (const t of [0, type]) lists[combo(s, o, t)]!.push(rank)
  }

  const index = new Map<string, ReadonlyArray<Int32Array>>()
  for (const [account, lists] of building) index.set(account, lists.map((l) => (l.length === 0 ? EMPTY : Int32Array.from(l))))
  const accounts = new Map(data.accounts.map((a) => [a.linked_account_id, a]))

  const list = (linkedAccountId: string, query: Query): Slice => {
    const lists = index.get(linkedAccountId)
    if (lists === undefined) return { totalDocs: 0, docs: [] }
    const ranks = lists[
      combo(statusIndex.get(query.status) ?? 0, sourceIndex.get(query.execution_source) ?? 0, typeIndex.get(query.execution_type) ?? 0)
    ]!
    const { from, to } = ListQuery.dateRange(query)
    const lo = to === undefined ? 0 : lowerBound(ranks, firstAtOrBefore(times, to))
    const hi = from === undefined ? ranks.length : lowerBound(ranks, firstAtOrBefore(times, from - 1))
    const totalDocs = Math.max(0, hi - lo)
    const start = lo + (query.page - 1) * query.limit
    const end = Math.min(hi, start + query.limit)
    const docs: Array<Fixture.Record> = []
    for (let i = start; i < end; i++) docs.push(records[ranks[i]!]!)
    return { totalDocs, docs }
  }

  const get = (linkedAccountId: string, executionId: string): Fixture.Record | undefined => {
    const rank = byId.get(executionId.toLowerCase())
    const record = rank === undefined ? undefined : records[rank]!
    return record?.linked_account_id === linkedAccountId ? record : undefined
  }

  const executions = (linkedAccountId?: string): ReadonlyArray<Fixture.Record> => {
    if (linkedAccountId === undefined) return records
    const all = index.get(linkedAccountId)?.[0] ?? EMPTY
    return Array.from(all, (rank) => records[rank]!)
  }

  return {
    size: records.length,
    accounts: data.accounts,
    apiKeys: data.apiKeys,
    account: (id) => accounts.get(id),
    get,
    list,
    executions
  }
}
