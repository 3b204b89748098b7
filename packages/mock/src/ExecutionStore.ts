/**
 * The mock's in-memory data: every execution of a data set, indexed so that a list request costs
 * O(log n) whatever the data set's size and whichever filters it combines, and changed in place
 * by `insert`, `update` and `remove` without giving that up.
 *
 * Executions are ordered newest first by `createdAt` (ties: `_id` descending) and known by their
 * position in that order (their rank). Ranks never change once given: an execution newer than all
 * others (one just arrived, rerun or executed) takes the rank before the first. For every account
 * and every combination of the three enum filters (each a value or `All`), the store keeps the
 * sorted ranks of the matching executions (`RankList`s): 7 statuses × 4 sources × 3 types per
 * account, each execution in exactly 8 of them. A date window is a contiguous run of ranks (found by
 * binary search over the creation times), so a query is one list, two binary searches and a slice.
 *
 * The filters on application slugs and workflow (`slug`, `workflow_id`, `workflow_name`) have lists
 * of the same kind per account and combination of their values, built on the first query that uses
 * that combination (one pass over that account's executions) and then kept up to date by every
 * change, like the others; at most {@link MAX_FILTER_INDEXES} of them are kept (least recently used
 * dropped). `execution_id` is a lookup by id.
 *
 * Records are never changed in place: `update` stores a new object. So whatever is cached per record
 * object (the serialised bytes of `ExecutionJson`) can never be stale.
 *
 * A record may also move on by itself, with time: every read passes the stored record through
 * {@link Options.current} (the app's lifecycle, whose running executions finish their nodes on the
 * clock) and keeps what it returns, as a new object, in its place.
 *
 * @since 0.1.0
 */
import { Execution, ListQuery } from "@refold-effect/contract"
import type { Fixture } from "@refold-effect/fixtures"
import { RankList } from "./internal/RankList.js"

/** A change to one execution: the fields to replace, or a function from the record to its new version. */
export type Change = Partial<Fixture.Record> | ((record: Fixture.Record) => Fixture.Record)

/** The indexed executions of a data set. */
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
  /** One execution of any account, by id (any case); `undefined` when unknown. */
  readonly find: (executionId: string) => Fixture.Record | undefined
  /** One page of an account's executions that match the query's filters, newest first (oldest with `sortAsc`). */
  readonly list: (linkedAccountId: string, query: Query) => Slice
  /** Every execution of an account, newest first (or of all accounts when none is given). */
  readonly executions: (linkedAccountId?: string) => ReadonlyArray<Fixture.Record>
  /** The creation time of the newest execution, in epoch ms (`-Infinity` when the store is empty). */
  readonly latest: () => number
  /**
   * Adds an execution, keeping every index sorted. One newer than all others (the usual case) costs
   * O(1) per index list it joins (8, plus the filter indexes of its account it matches); any other
   * rebuilds the indexes. Throws, leaving the store unchanged, on a duplicate `_id` or an unknown
   * status, source or type.
   */
  readonly insert: (record: Fixture.Record) => void
  /**
   * Replaces one execution by its new version (see {@link Change}) and moves it between index lists
   * as its status, source or type changed; returns the new version. Throws, leaving the store
   * unchanged, for an unknown id, an invalid status, source or type, or a change of `_id`,
   * `createdAt` or `linked_account_id` (which decide where it is ranked and who sees it).
   */
  readonly update: (executionId: string, change: Change) => Fixture.Record
  /** Removes one execution from every index; `false` when the id is unknown. */
  readonly remove: (executionId: string) => boolean
  /** Drops every change: the store holds its data set again. */
  readonly reset: () => void
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
  readonly slug?: ReadonlyArray<string> | undefined
  readonly workflow_name?: string | undefined
  readonly workflow_id?: string | undefined
  readonly execution_id?: string | undefined
  readonly sortAsc?: boolean | undefined
}

/** The result of {@link ExecutionStore.list}: the page's executions and the size of the filtered set. */
export interface Slice {
  readonly totalDocs: number
  readonly docs: ReadonlyArray<Fixture.Record>
}

/** How to build a store. */
export interface Options {
  /**
   * The latest version of a stored record, as of now: the record itself, or a new object. It may
   * change only what no index depends on (not `_id`, `createdAt`, `linked_account_id`, the status,
   * source or type, nor the application or workflow); the store keeps it in the record's place.
   * Default: every record stays as stored.
   */
  readonly current?: ((record: Fixture.Record) => Fixture.Record) | undefined
}

/** How many indexes of `slug` / `workflow_id` / `workflow_name` combinations a store keeps at most. */
export const MAX_FILTER_INDEXES = 256

const statusIndex = new Map<string, number>(Execution.statuses.map((s, i) => [s, i + 1]))
const sourceIndex = new Map<string, number>(Execution.sources.map((s, i) => [s, i + 1]))
const typeIndex = new Map<string, number>(Execution.types.map((s, i) => [s, i + 1]))
const SOURCES = Execution.sources.length + 1
const TYPES = Execution.types.length + 1
const COMBOS = (Execution.statuses.length + 1) * SOURCES * TYPES

/** The slot of one (status, source, type) combination; index 0 of each stands for `All`. */
const combo = (status: number, source: number, type: number) => (status * SOURCES + source) * TYPES + type

/** The lists of one account (or one filter index), one per slot; `undefined` while empty. */
type Lists = Array<RankList | undefined>

/** An index of the executions of one account that match a combination of the text filters. */
interface FilterIndex {
  readonly account: string
  readonly matches: (r: Fixture.Record) => boolean
  readonly lists: Lists
}

/**
 * The indexes. A rank's record and creation time sit at position `rank + base` of `slots` and
 * `times`, which keep free room at their front. A removed execution leaves a hole (`undefined`) in
 * `slots`; its time stays, so that `times` remains sorted.
 */
interface State {
  slots: Array<Fixture.Record | undefined>
  times: Float64Array
  base: number
  /** The smallest rank given; ranks run from `first` to `first + span - 1`. */
  first: number
  span: number
  /** Executions held (`span` minus the holes). */
  size: number
  readonly byId: Map<string, number>
  readonly index: Map<string, Lists>
  /** Filter indexes by key, least recently used first. */
  readonly filters: Map<string, FilterIndex>
}

const SLICE_EMPTY: Slice = { totalDocs: 0, docs: [] }

/** The first rank whose creation time is at or before `time` (times are descending by rank). */
const firstAtOrBefore = (state: State, time: number): number => {
  const times = state.times
  let lo = state.first + state.base
  let hi = lo + state.span
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
 * `All` in place of any of the three fields (mask bit set: the field's own value).
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

const timeOf = (r: Fixture.Record): number => {
  const time = Date.parse(r.createdAt)
  if (Number.isNaN(time)) throw new Error(`Execution ${r._id}: createdAt ${JSON.stringify(r.createdAt)} is not a date`)
  return time
}

const addTo = (lists: Lists, full: number, rank: number) => {
  for (let k = full * 8; k < full * 8 + 8; k++) (lists[subsets[k]!] ??= new RankList()).add(rank)
}

const removeFrom = (lists: Lists, full: number, rank: number) => {
  for (let k = full * 8; k < full * 8 + 8; k++) lists[subsets[k]!]?.remove(rank)
}

/** Moves `rank` from the lists of combination `before` to those of `after`. */
const move = (lists: Lists, before: number, after: number, rank: number) => {
  if (before === after) return
  for (let mask = 0; mask < 8; mask++) {
    const from = subsets[before * 8 + mask]!
    const to = subsets[after * 8 + mask]!
    if (from === to) continue
    lists[from]?.remove(rank)
    ;(lists[to] ??= new RankList()).add(rank)
  }
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
  const buffers = Array.from(counts, (count) => (count === 0 ? undefined : new Int32Array(count)))
  const filled = new Int32Array(counts.length)
  for (let rank = 0; rank < n; rank++) {
    const row = accountOf[rank]! * COMBOS
    const from = comboOf[rank]! * 8
    for (let k = from; k < from + 8; k++) {
      const slot = row + subsets[k]!
      buffers[slot]![filled[slot]!++] = rank
    }
  }

  const index = new Map<string, Lists>()
  for (const [account, i] of accountIds) {
    index.set(account, buffers.slice(i * COMBOS, (i + 1) * COMBOS).map((b) => (b === undefined ? undefined : new RankList(b))))
  }
  return { slots: records, times, base: 0, first: 0, span: n, size: n, byId, index, filters: new Map() }
}

/** Makes room for `room` more ranks before the first one. */
const growFront = (state: State, room: number) => {
  const slots = new Array<Fixture.Record | undefined>(room)
  for (let p = state.base + state.first; p < state.base + state.first + state.span; p++) slots.push(state.slots[p])
  const times = new Float64Array(room + state.span)
  times.set(state.times.subarray(state.base + state.first, state.base + state.first + state.span), room)
  state.slots = slots
  state.times = times
  state.base = room - state.first
}

/** The key of a query's text filters, or `undefined` when it has none. */
const filterKey = (account: string, q: Query): string | undefined =>
  q.slug === undefined && q.workflow_id === undefined && q.workflow_name === undefined
    ? undefined
    : JSON.stringify([account, q.slug === undefined ? null : [...q.slug].sort(), q.workflow_id ?? null, q.workflow_name ?? null])

const filterOf = (q: Query): ((r: Fixture.Record) => boolean) => {
  const slugs = q.slug === undefined ? undefined : new Set(q.slug)
  const { workflow_id, workflow_name } = q
  return (r) =>
    (slugs === undefined || slugs.has(r.associated_application?.slug ?? "")) &&
    (workflow_id === undefined || r.associated_workflow?._id === workflow_id) &&
    (workflow_name === undefined || r.associated_workflow?.name === workflow_name)
}

/**
 * Indexes a data set. Throws an `Error` naming the execution when two executions share an `_id`,
 * or when a record's `createdAt`, status, source or type is not one the contract knows (a data set
 * from `DataSet.load` or `DataSet.generate` never has either).
 */
export const make = (data: Fixture.DataSet, options: Options = {}): ExecutionStore => {
  let state = build(data.executions)
  const accounts = new Map(data.accounts.map((a) => [a.linked_account_id, a]))
  const current = options.current
  /** The record at a position of `slots`, as of now (see `Options.current`). */
  const at = (position: number): Fixture.Record => {
    const stored = state.slots[position]!
    if (current === undefined || stored === undefined) return stored
    const now = current(stored)
    if (now !== stored) state.slots[position] = now
    return now
  }
  const recordAt = (rank: number) => at(rank + state.base)

  /** The filter index of a query's text filters, built on first use (one pass over the account). */
  const filterIndex = (account: string, key: string, query: Query): FilterIndex => {
    const filters = state.filters
    let found = filters.get(key)
    if (found !== undefined) {
      filters.delete(key)
      filters.set(key, found)
      return found
    }
    const matches = filterOf(query)
    const lists: Lists = new Array(COMBOS)
    const all = state.index.get(account)?.[0]
    if (all !== undefined) {
      const ranks: Array<Array<number> | undefined> = new Array(COMBOS)
      for (let i = 0; i < all.length; i++) {
        const rank = all.at(i)
        const r = recordAt(rank)
        if (!matches(r)) continue
        const full = fullCombo(r)
        for (let k = full * 8; k < full * 8 + 8; k++) (ranks[subsets[k]!] ??= []).push(rank)
      }
      for (let c = 0; c < COMBOS; c++) if (ranks[c] !== undefined) lists[c] = new RankList(Int32Array.from(ranks[c]!))
    }
    found = { account, matches, lists }
    if (filters.size >= MAX_FILTER_INDEXES) filters.delete(filters.keys().next().value!)
    filters.set(key, found)
    return found
  }

  const rankOf = (executionId: string): number | undefined =>
    // Ids are kept lower-case, as they are almost always sent: no new string for those.
    state.byId.get(executionId) ?? state.byId.get(executionId.toLowerCase())

  /** The page of a query by `execution_id`: the execution when it passes every other filter. */
  const byExecutionId = (linkedAccountId: string, query: Query, code: number): Slice => {
    const rank = rankOf(query.execution_id!)
    const r = rank === undefined ? undefined : recordAt(rank)
    if (r === undefined || r.linked_account_id !== linkedAccountId) return SLICE_EMPTY
    const full = fullCombo(r)
    let listed = false
    for (let k = full * 8; k < full * 8 + 8; k++) if (subsets[k] === code) listed = true
    const { from, to } = ListQuery.dateRange(query)
    const time = state.times[rank! + state.base]!
    if (!listed || (from !== undefined && time < from) || (to !== undefined && time > to) || !filterOf(query)(r)) return SLICE_EMPTY
    return { totalDocs: 1, docs: query.page === 1 ? [r] : [] }
  }

  const list = (linkedAccountId: string, query: Query): Slice => {
    const code = combo(statusIndex.get(query.status) ?? 0, sourceIndex.get(query.execution_source) ?? 0, typeIndex.get(query.execution_type) ?? 0)
    if (query.execution_id !== undefined) return byExecutionId(linkedAccountId, query, code)
    const key = filterKey(linkedAccountId, query)
    const lists = key === undefined ? state.index.get(linkedAccountId) : filterIndex(linkedAccountId, key, query).lists
    const ranks = lists?.[code]
    if (ranks === undefined) return SLICE_EMPTY
    const { from, to } = ListQuery.dateRange(query)
    const lo = to === undefined ? 0 : ranks.lowerBound(firstAtOrBefore(state, to))
    const hi = from === undefined ? ranks.length : ranks.lowerBound(firstAtOrBefore(state, from - 1))
    const totalDocs = Math.max(0, hi - lo)
    const skip = (query.page - 1) * query.limit
    const docs: Array<Fixture.Record> = []
    if (query.sortAsc === true) {
      const end = Math.max(lo, hi - skip - query.limit)
      for (let i = hi - 1 - skip; i >= end; i--) docs.push(recordAt(ranks.at(i)))
    } else {
      const end = Math.min(hi, lo + skip + query.limit)
      for (let i = lo + skip; i < end; i++) docs.push(recordAt(ranks.at(i)))
    }
    return { totalDocs, docs }
  }

  const get = (linkedAccountId: string, executionId: string): Fixture.Record | undefined => {
    const rank = rankOf(executionId)
    const record = rank === undefined ? undefined : recordAt(rank)
    return record?.linked_account_id === linkedAccountId ? record : undefined
  }

  const find = (executionId: string): Fixture.Record | undefined => {
    const rank = rankOf(executionId)
    return rank === undefined ? undefined : recordAt(rank)
  }

  const executions = (linkedAccountId?: string): ReadonlyArray<Fixture.Record> => {
    if (linkedAccountId === undefined) {
      const start = state.first + state.base
      const out: Array<Fixture.Record> = []
      for (let p = start; p < start + state.span; p++) if (state.slots[p] !== undefined) out.push(at(p))
      return out
    }
    const all = state.index.get(linkedAccountId)?.[0]
    const out: Array<Fixture.Record> = []
    if (all !== undefined) for (let i = 0; i < all.length; i++) out.push(recordAt(all.at(i)))
    return out
  }

  /** The rank of the newest execution, past the holes removals left at the front. */
  const newestRank = (): number | undefined => {
    for (let rank = state.first; rank < state.first + state.span; rank++) if (state.slots[rank + state.base] !== undefined) return rank
    return undefined
  }

  const latest = () => {
    const rank = newestRank()
    return rank === undefined ? Number.NEGATIVE_INFINITY : state.times[rank + state.base]!
  }

  /** Adds a record newer than every other one: it takes the rank before the first. */
  const insertNewest = (r: Fixture.Record, id: string, full: number, time: number) => {
    const rank = state.first - 1
    if (rank + state.base < 0) growFront(state, Math.max(64, state.span >> 3))
    state.slots[rank + state.base] = r
    state.times[rank + state.base] = time
    state.first = rank
    state.span++
    state.size++
    state.byId.set(id, rank)
    let lists = state.index.get(r.linked_account_id)
    if (lists === undefined) {
      lists = new Array(COMBOS)
      state.index.set(r.linked_account_id, lists)
    }
    addTo(lists, full, rank)
    for (const f of state.filters.values()) if (f.account === r.linked_account_id && f.matches(r)) addTo(f.lists, full, rank)
  }

  const insert = (record: Fixture.Record) => {
    const id = record._id.toLowerCase()
    if (state.byId.has(id)) throw new Error(`Duplicate execution _id ${record._id}`)
    // Validate before touching the indexes, so that a bad record leaves them as they were.
    const full = fullCombo(record)
    const time = timeOf(record)
    const newest = newestRank()
    if (newest === undefined || newestFirst(record, recordAt(newest)) < 0) insertNewest(record, id, full, time)
    else state = build([...executions(), record])
  }

  const update = (executionId: string, change: Change): Fixture.Record => {
    const rank = rankOf(executionId)
    if (rank === undefined) throw new Error(`Unknown execution ${JSON.stringify(executionId)}`)
    const old = recordAt(rank)
    const next = typeof change === "function" ? change(old) : { ...old, ...change }
    for (const field of ["_id", "createdAt", "linked_account_id"] as const) {
      if (next[field] !== old[field]) throw new Error(`Execution ${old._id}: ${field} cannot change (${JSON.stringify(old[field])} to ${JSON.stringify(next[field])})`)
    }
    const before = fullCombo(old)
    const after = fullCombo(next)
    state.slots[rank + state.base] = next
    const lists = state.index.get(old.linked_account_id)!
    move(lists, before, after, rank)
    for (const f of state.filters.values()) {
      if (f.account !== old.linked_account_id) continue
      const was = f.matches(old)
      const is = f.matches(next)
      if (was && is) move(f.lists, before, after, rank)
      else if (was) removeFrom(f.lists, before, rank)
      else if (is) addTo(f.lists, after, rank)
    }
    return next
  }

  const remove = (executionId: string): boolean => {
    const rank = rankOf(executionId)
    if (rank === undefined) return false
    const r = recordAt(rank)
    const full = fullCombo(r)
    removeFrom(state.index.get(r.linked_account_id)!, full, rank)
    for (const f of state.filters.values()) if (f.account === r.linked_account_id && f.matches(r)) removeFrom(f.lists, full, rank)
    state.slots[rank + state.base] = undefined
    state.byId.delete(r._id.toLowerCase())
    state.size--
    return true
  }

  return {
    get size() {
      return state.size
    },
    accounts: data.accounts,
    apiKeys: data.apiKeys,
    account: (id) => accounts.get(id),
    get,
    find,
    list,
    executions,
    latest,
    insert,
    update,
    remove,
    reset: () => {
      state = build(data.executions)
    }
  }
}
