/**
 * The global faults of one mock app at run time: the current setting, its seeded injector and its
 * arrivals. Setting faults restarts the PRNG from the seed; reset returns to the app's options.
 */
import type { ExecutionStore } from "../ExecutionStore.js"
import * as Faults from "../Faults.js"
import * as Arrivals from "./Arrivals.js"

/** The global faults of one app. */
export interface Chaos {
  readonly current: () => Faults.Faults
  /** Replaces the faults. Throws an `Error` naming the field for an account the data set lacks. */
  readonly set: (faults: Faults.Faults) => void
  /** Back to the app's initial faults, without arrived executions. */
  readonly reset: () => void
  /** `true` when a request may be delayed or failed, so that the hot path skips drawing otherwise. */
  readonly active: () => boolean
  readonly next: () => Faults.Decision
  /** Counts an API request for arrivals, inserting what is due. */
  readonly tick: () => void
  /** How many executions arrived since the faults were set. */
  readonly arrived: () => number
}

/** The chaos of an app over `store`, starting with `initial`; arrivals go to `sink` (clock and lifecycle). */
export const make = (store: ExecutionStore, initial: Faults.Faults, sink?: Arrivals.Sink): Chaos => {
  let injector = Faults.injector(initial)
  // Arrived executions still in the store, across settings: their number stays bounded.
  let held = Arrivals.held()
  let arrivals = initial.arrivals === undefined ? undefined : Arrivals.make(store, initial.arrivals, held, sink)
  const set = (faults: Faults.Faults) => {
    const nextArrivals = faults.arrivals === undefined ? undefined : Arrivals.make(store, faults.arrivals, held, sink)
    injector = Faults.injector(faults)
    arrivals = nextArrivals
  }
  return {
    current: () => injector.faults,
    set,
    reset: () => {
      store.reset()
      held = Arrivals.held()
      set(initial)
    },
    active: () => injector.active,
    next: () => injector.next(),
    tick: () => arrivals?.tick(),
    arrived: () => arrivals?.count() ?? 0
  }
}
