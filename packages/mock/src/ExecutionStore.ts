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
  /**
   * Adds an execution, keeping every index sorted. An execution newer than all others (the usual
   * case: one that has just arrived) costs O(size of its account); any other rebuilds the indexes.
   * Throws, leaving the store unchanged, on a duplicate `_id` or an unknown status, source or type.
   */
  readonly insert: (record: Fixture.Record) => void
  /** Drops every inserted execution: the store holds its data set again. */
  readonly reset: () => void
  /** The execution with this `_id`, of any account (the lifecycle's view). */
  readonly find: (executionId: string) => Fixture.Record | undefined
  /**
   * Replaces the execution of the same `_id` (same account and `createdAt`): O(1) when its status,
   * source and type are unchanged, else the indexes are rebuilt. Throws when there is none.
   */
  readonly replace: (record: Fixture.Record) => void
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

/**
 * The indexes. Ranks never change once given: an execution newer than all others gets the rank
 * before the first, so an arrival touches only its own lists. A rank's record and creation time
 * sit at position `rank + base` of `slots` and `times`, which keep free room at their front.
 */
interface State {
  slots: Array<Fixture.Record>
  times: Float64Array
  base: number
  /** The smallest rank in use; ranks run from `first` to `first + size - 1`. */
  first: number
  size: number
  readonly byId: Map<string, number>
  readonly index: Map<string, Array<Int32Array>>
}

/** The first rank whose creation time is at or before `time` (times are descending by rank). */
const firstAtOrBefore = (state: State, time: number): number => {
  const times = state.times
  let lo = state.first + state.base
  let hi = lo + state.size
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (times[mid]! > time) lo = mid + 1
    else hi = mid
  }
  return lo - state.base
}

const codeOf = (index: Map<string, number>, field: string, value: string, id: string): number => {
  const code = index.get(value)
  if (code === undefined) throw new Error(`Execution ${id}: unknown ${field} ${JSON.stringify(value)}`)
  return code
}

/** Newest first by `createdAt`, then by `_id` descending, so that every order is deterministic. */
const newestFirst = (a: Fixture.Record, b: Fixture.Record) =>
  a.createdAt > b.createdAt ? -1 : a.createdAt < b.createdAt ? 1 : a._id > b._id ? -1 : a._id < b._id ? 1 : 0

/** The slot of a record's own (status, source, type), validating each. */
const fullCombo = (r: Fixture.Record): number =>
  combo(
    codeOf(statusIndex, "status", r.status, r._id),
    codeOf(sourceIndex, "execution_source", r.execution_source, r._id),
    codeOf(typeIndex, "type_of_execution", r.type_of_execution, r._id)
  )

/**
 * For each slot, the 8 slots an execution of that combination is listed under: its own, with
 * `All` in place of any of the three fields.
 */
const subsets: Int16Array = (() => {
  const out = new Int16Array(COMBOS * 8)
  for (let c = 0; c < COMBOS; c++) {
    const type = c % TYPES
    const source = Math.floor(c / TYPES) % SOURCES
    const status = Math.floor(c / (TYPES * SOURCES))
    for (let mask = 0; mask < 8; mask++) {
      out[c * 8 + mask] = combo(mask & 4 ? status : 0, mask & 2 ? source : 0, mask & 1 ? type : 0)
    }
  }
  return out
})()

/** The index slots of a record: its combination with `All` in place of any of the three fields. */
const combosOf = (r: Fixture.Record): ReadonlyArray<number> => {
  const full = fullCombo(r)
  return Array.from(subsets.subarray(full * 8, full * 8 + 8))
}

const timeOf = (r: Fixture.Record): number => {
  const time = Date.parse(r.createdAt)
  if (Number.isNaN(time)) throw new Error(`Execution ${r._id}: createdAt ${JSON.stringify(r.createdAt)} is not a date`)
  return time
}

/**
 * Indexes records from scratch, in three passes over typed arrays (read and validate; count each
 * list's length; fill lists allocated at their exact size), so that start-up with 10^6 executions
 * stays a small fraction of the time it takes to parse them.
 */
const build = (executions: ReadonlyArray<Fixture.Record>): State => {
  const records = [...executions].sort(newestFirst)
  const n = records.length
  const times = new Float64Array(n)
  const byId = new Map<string, number>()
  const accountIds = new Map<string, number>()
  const accountOf = new Int32Array(n)
  const comboOf = new Int16Array(n)

  for (let rank = 0; rank < n; rank++) {
    const r = records[rank]!
    const id = r._id.toLowerCase()
    if (byId.has(id)) throw new Error(`Duplicate execution _id ${r._id}`)
    byId.set(id, rank)
    times[rank] = timeOf(r)
    comboOf[rank] = fullCombo(r)
    let account = accountIds.get(r.linked_account_id)
    if (account === undefined) {
      account = accountIds.size
      accountIds.set(r.linked_account_id, account)
    }
    accountOf[rank] = account
  }

  const counts = new Int32Array(accountIds.size * COMBOS)
  for (let rank = 0; rank < n; rank++) {
    const row = accountOf[rank]! * COMBOS
    const from = comboOf[rank]! * 8
    for (let k = from; k < from + 8; k++) counts[row + subsets[k]!]!++
  }
  const lists = Array.from(counts, (count) => (count === 0 ? EMPTY : new Int32Array(count)))
  const filled = new Int32Array(counts.length)
  for (let rank = 0; rank < n; rank++) {
    const row = accountOf[rank]! * COMBOS
    const from = comboOf[rank]! * 8
    for (let k = from; k < from + 8; k++) {
      const slot = row + subsets[k]!
      lists[slot]![filled[slot]!++] = rank
    }
  }

  const index = new Map<string, Array<Int32Array>>()
  for (const [account, i] of accountIds) index.set(account, lists.slice(i * COMBOS, (i + 1) * COMBOS))
  return { slots: records, times, base: 0, first: 0, size: n, byId, index }
}

/** Makes room for `room` more ranks before the first one. */
const growFront = (state: State, room: number) => {
  const slots = new Array<Fixture.Record>(room)
  for (let p = state.base + state.first; p < state.base + state.first + state.size; p++) slots.push(state.slots[p]!)
  const times = new Float64Array(room + state.size)
  times.set(state.times.subarray(state.base + state.first, state.base + state.first + state.size), room)
  state.slots = slots
  state.times = times
  state.base = room - state.first
}

/** Adds a record newer than every other one: it takes the rank before the first. */
const insertNewest = (state: State, r: Fixture.Record, id: string) => {
  const time = timeOf(r)
  const combos = combosOf(r)
  const rank = state.first - 1
  if (rank + state.base < 0) growFront(state, Math.max(64, state.size >> 3))
  state.slots[rank + state.base] = r
  state.times[rank + state.base] = time
  state.first = rank
  state.size++
  state.byId.set(id, rank)
  let lists = state.index.get(r.linked_account_id)
  if (lists === undefined) {
    lists = Array.from({ length: COMBOS }, () => EMPTY)
    state.index.set(r.linked_account_id, lists)
  }
  for (const c of combos) {
    const old = lists[c]!
    const next = new Int32Array(old.length + 1)
    next[0] = rank
    next.set(old, 1)
    lists[c] = next
  }
}

/**
 * Indexes a data set. Throws an `Error` naming the execution when two executions share an `_id`,
 * or when a record's `createdAt`, status, source or type is not one the contract knows (a data set
 * from `DataSet.load` or `DataSet.generate` never has either).
 */
export const make = (data: Fixture.DataSet): ExecutionStore => {
  let state = build(data.executions)
  const accounts = new Map(data.accounts.map((a) => [a.linked_account_id, a]))
  const recordAt = (rank: number) => state.slots[rank + state.base]!

  const list = (linkedAccountId: string, query: Query): Slice => {
    const lists = state.index.get(linkedAccountId)
    if (lists === undefined) return { totalDocs: 0, docs: [] }
    const ranks = lists[
      combo(statusIndex.get(query.status) ?? 0, sourceIndex.get(query.execution_source) ?? 0, typeIndex.get(query.execution_type) ?? 0)
    ]!
    const { from, to } = ListQuery.dateRange(query)
    const lo = to === undefined ? 0 : lowerBound(ranks, firstAtOrBefore(state, to))
    const hi = from === undefined ? ranks.length : lowerBound(ranks, firstAtOrBefore(state, from - 1))
    const totalDocs = Math.max(0, hi - lo)
    const start = lo + (query.page - 1) * query.limit
    const end = Math.min(hi, start + query.limit)
    const docs: Array<Fixture.Record> = []
    for (let i = start; i < end; i++) docs.push(recordAt(ranks[i]!))
    return { totalDocs, docs }
  }

  const get = (linkedAccountId: string, executionId: string): Fixture.Record | undefined => {
    // Ids are kept lower-case, as they are almost always sent: no new string for those.
    const rank = state.byId.get(executionId) ?? state.byId.get(executionId.toLowerCase())
    const record = rank === undefined ? undefined : recordAt(rank)
    return record?.linked_account_id === linkedAccountId ? record : undefined
  }

  const executions = (linkedAccountId?: string): ReadonlyArray<Fixture.Record> => {
    const start = state.first + state.base
    if (linkedAccountId === undefined) return state.slots.slice(start, start + state.size)
    const all = state.index.get(linkedAccountId)?.[0] ?? EMPTY
    return Array.from(all, recordAt)
  }

  const insert = (record: Fixture.Record) => {
    const id = record._id.toLowerCase()
    if (state.byId.has(id)) throw new Error(`Duplicate execution _id ${record._id}`)
    if (state.size > 0 && newestFirst(record, recordAt(state.first)) < 0) {
      // Validate before touching the indexes, so that a bad record leaves them as they were.
      combosOf(record)
      timeOf(record)
      insertNewest(state, record, id)
    } else state = build([...executions(), record])
  }

  const find = (executionId: string) => {
    const rank = state.byId.get(executionId) ?? state.byId.get(executionId.toLowerCase())
    return rank === undefined ? undefined : recordAt(rank)
  }

  const replace = (record: Fixture.Record) => {
    const rank = state.byId.get(record._id.toLowerCase())
    const old = rank === undefined ? undefined : recordAt(rank)
    if (rank === undefined || old === undefined) throw new Error(`No execution ${record._id} to replace`)
    if (old.linked_account_id !== record.linked_account_id || old.createdAt !== record.createdAt) {
      throw new Error(`Execution ${record._id}: linked_account_id and createdAt cannot change`)
    }
    if (fullCombo(old) === fullCombo(record)) state.slots[rank + state.base] = record
    else state = build(executions().map((r) => (r === old ? record : r)))
  }

  return {
    find,
    replace,
    get size() {
      return state.size
    },
    accounts: data.accounts,
    apiKeys: data.apiKeys,
    account: (id) => accounts.get(id),
    get,
    list,
    executions,
    insert,
    reset: () => {
      state = build(data.executions)
    }
  }
}
