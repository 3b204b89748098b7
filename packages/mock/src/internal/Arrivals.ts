/**
 * Simulated arrivals: new executions inserted at the head of an account while a client pages, so
 * that an offset-paginating client sees each page shift by the number that arrived. Counted per API
 * request or lazily by elapsed time (no timer runs between requests).
 *
 * An arrival is told to `inserted` (the app's lifecycle), so that it runs on the mock's clock like
 * any other `RUNNING` execution.
 *
 * Bounded: the store holds at most {@link MAX_HELD} arrived executions of an app at a time (across
 * settings). Past that, each new arrival evicts the oldest arrived one, so a long run with arrivals
 * keeps a constant size, and inserts stay O(1) per index list (see `ExecutionStore.insert`).
 */
import type { Fixture } from "@refold-effect/fixtures"
import type { ExecutionStore } from "../ExecutionStore.js"
import type { Faults } from "../Faults.js"

/** How many arrived executions the store holds at most; the oldest arrived one goes first. */
export const MAX_HELD = 10_000

/** The ids of the arrived executions still in the store, oldest first: one queue per app. */
export interface Held {
  readonly ids: Array<string>
  /** Index in `ids` of the oldest still held (a queue without shifting the array). */
  head: number
}

/** An empty {@link Held}. */
export const held = (): Held => ({ ids: [], head: 0 })

/** The arrivals of one setting. */
export interface Arrivals {
  /** Called once per API request, before it is answered: inserts what is due. */
  readonly tick: () => void
  /** How many executions arrived so far. */
  readonly count: () => number
}

/** A record for an account the data set has no execution of, so no template to copy. */
const blank = (account: string, orgId: string): Fixture.Record => ({
  _id: "000000000000000000000000",
  createdAt: "1970-01-01T00:00:00.000Z",
  name: "Execution",
  status: "RUNNING",
  environment: "test",
  org_id: orgId,
  linked_account_id: account,
  type_of_execution: "ASYNC",
  execution_source: "API Call",
  completion_percentage: 0,
  nodes: []
})

/** Where arrivals go and when they happen: the app's clock and its lifecycle. */
export interface Sink {
  /** The time, in ms (the app's clock). */
  readonly now: () => number
  /** Called with each arrival once it is in the store (the lifecycle's `observe`). */
  readonly inserted: (record: Fixture.Record) => void
}

const standalone: Sink = { now: Date.now, inserted: () => {} }

/** Arrivals for `settings` into `store`, told to `sink`. Throws for an account the data set does not define. */
export const make = (
  store: ExecutionStore,
  settings: NonNullable<Faults["arrivals"]>,
  kept: Held = held(),
  sink: Sink = standalone
): Arrivals => {
  const { now } = sink
  const account = store.account(settings.account)
  if (account === undefined) {
    throw new Error(`Invalid faults.arrivals.account: the data set defines no linked account ${JSON.stringify(settings.account)}`)
  }
  const started = now()
  let requests = 0
  let arrived = 0
  let serial = 0
  let latest = Number.NEGATIVE_INFINITY

  const arrive = () => {
    if (latest === Number.NEGATIVE_INFINITY) latest = Date.parse(store.executions()[0]?.createdAt ?? "1970-01-01T00:00:00.000Z")
    latest = Math.max(now(), latest + 1)
    const newest = store.list(account.linked_account_id, { page: 1, limit: 1, status: "All", execution_source: "All", execution_type: "All" })
    const { completion_time: _, ...template } = newest.docs[0] ?? blank(account.linked_account_id, account.org_id)
    const createdAt = new Date(latest).toISOString()
    for (;;) {
      serial++
      const record: Fixture.Record = {
        ...template,
        _id: `ae${serial.toString(16).padStart(22, "0")}`,
        name: `Arrival ${serial}: ${template.name}`,
        createdAt,
        updatedAt: createdAt,
        status: "RUNNING",
        completion_percentage: 0,
        nodes: template.nodes.slice(0, 1)
      }
      try {
        store.insert(record)
        sink.inserted(record)
        arrived++
        kept.ids.push(record._id)
        if (kept.ids.length - kept.head > MAX_HELD) {
          store.remove(kept.ids[kept.head]!)
          kept.ids[kept.head++] = ""
          if (kept.head > MAX_HELD) {
            kept.ids.splice(0, kept.head)
            kept.head = 0
          }
        }
        return
      } catch (e) {
        // Only an id already in the data set can fail here; take the next one.
        if (!String(e).includes("Duplicate")) throw e
      }
    }
  }

  const tick = () => {
    requests++
    if (settings.everyRequests !== undefined) {
      if (requests % settings.everyRequests === 0) arrive()
    } else if (settings.everyMs !== undefined) {
      const due = Math.min(1000, Math.floor((now() - started) / settings.everyMs) - arrived)
      for (let i = 0; i < due; i++) arrive()
    }
  }

  return { tick, count: () => arrived }
}
