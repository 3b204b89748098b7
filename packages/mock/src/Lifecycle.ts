/**
 * How executions live on the mock's clock (see `MockClock`). Every `RUNNING` execution advances:
 * its nodes go from `Ready` to `Success` one by one, each after a realistic `execution_time` for its
 * type, `completion_percentage` rising, until the run ends:
 *
 * - `COMPLETED`: every node `Success`;
 * - `ERRORED`: one node `Errored` after all its attempts, the ones after it `Errored_and_Skipped`;
 * - `TIMED_OUT`: one node ran for {@link NODE_TIMEOUT_MS} and is `Timed_Out`, as are the ones after it.
 *
 * A `STOPPING` execution becomes `STOPPED` after {@link STOP_MS} (its unfinished nodes `Stopped`).
 * On the end, `completion_time`, `updatedAt` and `instance_execution_time` (ms since `createdAt`)
 * are set; every change sets `updatedAt`.
 *
 * Outcomes and timings are drawn from a PRNG seeded by the lifecycle's seed and the execution's id
 * (reproducible whatever the clock's speed or the order of requests), unless forced per execution
 * with {@link Lifecycle.force}. Default odds: {@link defaultOdds}.
 *
 * The lifecycle keeps one event per live execution (its next node to finish, or its stop) in a
 * priority queue and ONE alarm on the clock for the earliest, so that advancing the clock costs the
 * events that fall due, not a scan of every execution.
 *
 * @since 0.2.0
 */
import type { Fixture } from "@refold-effect/fixtures"
import FlatQueue from "flatqueue"
import { uniformInt } from "pure-rand/distribution/uniformInt"
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus"
import type { RandomGenerator } from "pure-rand/types/RandomGenerator"
import * as Iso from "./internal/Iso.js"
import type { MockClock } from "./MockClock.js"

/** How a run can end on its own. */
export const outcomes = ["COMPLETED", "ERRORED", "TIMED_OUT"] as const
export type Outcome = (typeof outcomes)[number]

/** The statuses the lifecycle advances. */
const live = new Set(["RUNNING", "STOPPING"])

/** How often each outcome occurs when not forced, in percent. */
export const defaultOdds: { readonly [O in Outcome]: number } = { COMPLETED: 80, ERRORED: 15, TIMED_OUT: 5 }

/** How long a node runs before it times out (the fixtures generator's figure). */
export const NODE_TIMEOUT_MS = 30_000

/** How long a `STOPPING` execution takes to be `STOPPED`. */
export const STOP_MS = 1_500

/**
 * How long one attempt of a node runs, by `node_type`, in ms: the ranges of the fixtures' workflow
 * catalogue. Other types take {@link otherNodeMs}.
 */
export const nodeMs: { readonly [type: string]: readonly [number, number] } = {
  start: [5, 500],
  application: [180, 2400],
  api_request: [90, 1800],
  custom_code: [4, 160],
  condition: [1, 30],
  loop: [900, 24_000],
  delay: [1000, 60_000]
}

/** How long one attempt of a node of a type not in {@link nodeMs} runs. */
export const otherNodeMs: readonly [number, number] = [50, 1000]

/** A forced outcome: how the run ends, and at which node (an index; default: one drawn from the seed). */
export interface Forced {
  readonly status: Outcome
  readonly node?: number | undefined
}

/** A status change the lifecycle made or saw, for listeners (e.g. webhooks on terminal ones). */
export interface Transition {
  /** The execution as it is now. */
  readonly execution: Fixture.Record
  readonly from: string
  readonly to: string
  /** The clock time of the change. */
  readonly at: number
}

/** Where the lifecycle reads and writes executions: the app's store. */
export interface Records {
  /** The execution with this `_id` (any account). */
  readonly get: (id: string) => Fixture.Record | undefined
  /** Replaces the execution of the same `_id`. */
  readonly put: (record: Fixture.Record) => void
}

/** The executions' lives in one app. */
export interface Lifecycle {
  /**
   * Tells the lifecycle about an execution that was inserted or changed by someone else (execute,
   * rerun, stop, a test's `update`): a `RUNNING` one starts advancing, a `STOPPING` one will stop, a
   * finished one is left alone. Idempotent.
   */
  readonly observe: (record: Fixture.Record) => void
  /**
   * Forces how a live execution ends. Throws an `Error` when it is not live (unknown, finished or
   * stopping), a `RangeError` when `node` is not one of its unfinished nodes or is given with
   * `COMPLETED`.
   */
  readonly force: (id: string, forced: Forced) => void
  /** The execution once it is finished (at once when it is); `undefined` if it goes away first (reset). */
  readonly settled: (id: string) => Promise<Fixture.Record | undefined>
  /** Calls `listener` on every status change of a live execution; returns the unsubscribe function. */
  readonly onTransition: (listener: (transition: Transition) => void) => () => void
  /** How many executions are live. */
  readonly size: () => number
  /** Forgets every live execution and waiter, and starts again with `records` (the data set's live ones). */
  readonly reset: (records: Iterable<Fixture.Record>) => void
  /** Cancels the clock alarm and resolves waiters with `undefined`. */
  readonly close: () => void
}

/** How to build a lifecycle. */
export interface Options {
  readonly clock: MockClock
  readonly records: Records
  /** Seed of the outcomes and timings (default 1). */
  readonly seed?: number | undefined
}

type MutableNode = { -readonly [K in keyof Fixture.Node]: Fixture.Node[K] }

/** One live execution. */
interface Run {
  readonly id: string
  readonly rng: RandomGenerator
  outcome: Outcome
  /** The node where a run that does not complete ends. */
  failAt: number
  /** The next node to finish, or -1 once stopping. */
  next: number
  /** The time of the run's one valid event (NaN: none); a queued entry at another time is stale. */
  due: number
  /** When the run's current node started, for its `execution_time`. */
  since: number
  /** False once the run is over or forgotten: its queued entries are skipped. */
  live: boolean
}

/** 32-bit FNV-1a of the seed and the id, so that a run's draws depend on nothing else. */
const hash = (seed: number, id: string): number => {
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0
  return h | 0
}

const FINISHED_NODE = new Set(["Success", "Errored", "Rejected", "Errored_and_Skipped", "Timed_Out", "Stopped"])

/** The first node that has not finished: where a run stands. */
const firstUnfinished = (nodes: ReadonlyArray<Fixture.Node>): number => {
  const at = nodes.findIndex((n) => !FINISHED_NODE.has(n.node_status))
  return at === -1 ? nodes.length : at
}

/** A new lifecycle, tracking no execution yet (see {@link Lifecycle.reset}). */
export const make = (options: Options): Lifecycle => {
  const { clock, records } = options
  const iso = Iso.formatter()
  const seed = options.seed ?? 1
  const runs = new Map<string, Run>()
  // Events: runs by the time of their next event. An entry whose time is not its run's `due` is stale.
  const queue = new FlatQueue<Run>()
  const waiters = new Map<string, Array<(record: Fixture.Record | undefined) => void>>()
  const listeners = new Set<(transition: Transition) => void>()
  let alarm: { readonly time: number; readonly cancel: () => void } | undefined
  /** While events are applied, the alarm is set once, at the end. */
  let firing = false

  const draw = (run: Run, [min, max]: readonly [number, number]) => uniformInt(run.rng, min, max)

  const schedule = (run: Run, time: number) => {
    run.due = time
    queue.push(run, time)
    if (!firing && (alarm === undefined || time < alarm.time)) {
      alarm?.cancel()
      alarm = { time, cancel: clock.at(time, fire) }
    }
  }

  const settle = (id: string, record: Fixture.Record | undefined) => {
    const waiting = waiters.get(id)
    if (waiting === undefined) return
    waiters.delete(id)
    for (const resolve of waiting) resolve(record)
  }

  const emit = (execution: Fixture.Record, from: string, at: number) => {
    for (const listener of listeners) listener({ execution, from, to: execution.status, at })
  }

  /** The time one attempt of a node takes. */
  const nodeTime = (run: Run, node: Fixture.Node) => draw(run, nodeMs[node.node_type] ?? otherNodeMs)

  /** Draws the outcome and where it strikes, from node `from` on. */
  const plan = (run: Run, length: number, from: number) => {
    const roll = draw(run, [0, 99])
    run.outcome = roll < defaultOdds.COMPLETED ? "COMPLETED" : roll < defaultOdds.COMPLETED + defaultOdds.ERRORED ? "ERRORED" : "TIMED_OUT"
    run.failAt = from >= length ? length : draw(run, [from, length - 1])
  }

  /** Whether the run's outcome strikes at its next node. */
  const strikesNext = (run: Run) => run.outcome !== "COMPLETED" && run.next === run.failAt

  /** Schedules the run's next node (or its end when it has no node left), from `time`. */
  const scheduleNode = (run: Run, record: Fixture.Record, time: number) => {
    const node = record.nodes[run.next]
    const strikes = strikesNext(run)
    const duration = node === undefined
      ? draw(run, otherNodeMs)
      : strikes && run.outcome === "TIMED_OUT"
        ? NODE_TIMEOUT_MS
        : nodeTime(run, node) * (strikes ? (node.maximum_attempts ?? 1) : 1)
    schedule(run, time + duration)
  }

  const finish = (record: Fixture.Record, patch: Partial<Fixture.Record>, time: number): Fixture.Record => {
    const createdAt = Date.parse(record.createdAt)
    return {
      ...record,
      ...patch,
      completion_time: iso(time),
      updatedAt: iso(time),
      instance_execution_time: Number.isNaN(createdAt) ? 0 : Math.max(0, time - createdAt)
    } as Fixture.Record
  }

  /** The run's next node finishes at `time`. */
  const step = (run: Run, record: Fixture.Record, time: number) => {
    const nodes = record.nodes.slice()
    const k = run.next
    const n = nodes.length
    let next: Fixture.Record
    if (k >= n || run.outcome === "COMPLETED" || k < run.failAt) {
      if (k < n) {
        const node: MutableNode = { ...nodes[k]!, node_status: "Success", attempts_made: 1 }
        node.execution_time = time - run.since
        nodes[k] = node
      }
      const done = k + 1 >= n
      next = done && (run.outcome === "COMPLETED" || n === 0)
        ? finish(record, { status: "COMPLETED", completion_percentage: 100, nodes }, time)
        : { ...record, nodes, completion_percentage: Math.floor((100 * (k + 1)) / Math.max(1, n)), updatedAt: iso(time) }
      if (!(done && (run.outcome === "COMPLETED" || n === 0))) {
        run.next = k + 1
        // A run planned to fail at a node it has passed (forced at the last node, say) completes.
        if (run.next >= n) run.outcome = "COMPLETED"
      }
    } else {
      const timedOut = run.outcome === "TIMED_OUT"
      const struck = nodes[k]!
      nodes[k] = {
        ...struck,
        node_status: timedOut ? "Timed_Out" : "Errored",
        attempts_made: timedOut ? 1 : (struck.maximum_attempts ?? 1),
        execution_time: time - run.since
      }
      for (let j = k + 1; j < n; j++) nodes[j] = { ...nodes[j]!, node_status: timedOut ? "Timed_Out" : "Errored_and_Skipped" }
      next = finish(record, { status: run.outcome, completion_percentage: Math.floor((100 * k) / n), nodes }, time)
    }
    return next
  }

  const stop = (record: Fixture.Record, time: number): Fixture.Record =>
    finish(
      record,
      { status: "STOPPED", nodes: record.nodes.map((node) => (FINISHED_NODE.has(node.node_status) ? node : { ...node, node_status: "Stopped" as const })) },
      time
    )

  /** Applies the events due by `time`, in time order. */
  function fire(now: number) {
    alarm = undefined
    firing = true
    try {
      apply(now)
    } finally {
      firing = false
    }
    const head = queue.peekValue()
    if (head !== undefined) alarm = { time: head, cancel: clock.at(head, fire) }
  }

  function apply(now: number) {
    for (let head = queue.peekValue(); head !== undefined && head <= now; head = queue.peekValue()) {
      const run = queue.pop()!
      if (!run.live || run.due !== head) continue
      run.due = Number.NaN
      const record = records.get(run.id)
      if (record === undefined) {
        run.live = false
        runs.delete(run.id)
        settle(run.id, undefined)
        continue
      }
      const next = run.next === -1 ? stop(record, head) : step(run, record, head)
      records.put(next)
      if (next.status !== record.status) {
        run.live = false
        runs.delete(run.id)
        emit(next, record.status, head)
        settle(run.id, next)
      } else {
        run.since = head
        scheduleNode(run, next, head)
      }
    }
  }

  const startStop = (run: Run, time: number) => {
    run.next = -1
    schedule(run, time + STOP_MS)
  }

  const observe = (record: Fixture.Record) => {
    const id = record._id
    const run = runs.get(id)
    if (!live.has(record.status)) {
      if (run !== undefined) {
        runs.delete(id)
        run.live = false
        emit(record, run.next === -1 ? "STOPPING" : "RUNNING", clock.now())
      }
      settle(id, record)
      return
    }
    const time = clock.now()
    if (run !== undefined) {
      if (record.status === "STOPPING" && run.next !== -1) startStop(run, time)
      return
    }
    const fresh: Run = { id, rng: xoroshiro128plus(hash(seed, id)), outcome: "COMPLETED", failAt: 0, next: 0, due: Number.NaN, since: time, live: true }
    runs.set(id, fresh)
    if (record.status === "STOPPING") return startStop(fresh, time)
    fresh.next = firstUnfinished(record.nodes)
    plan(fresh, record.nodes.length, fresh.next)
    scheduleNode(fresh, record, time)
  }

  const clear = () => {
    alarm?.cancel()
    alarm = undefined
    queue.clear()
    for (const run of runs.values()) run.live = false
    runs.clear()
    for (const id of [...waiters.keys()]) settle(id, undefined)
  }

  return {
    observe,
    force: (id, forced) => {
      const run = runs.get(id)
      const record = records.get(id)
      if (run === undefined || record === undefined) throw new Error(`Execution ${id} is not running: only a RUNNING execution's outcome can be forced`)
      if (run.next === -1) throw new Error(`Execution ${id} is stopping: it will be STOPPED`)
      const n = record.nodes.length
      if (forced.status === "COMPLETED" && forced.node !== undefined) {
        throw new RangeError(`Invalid node ${JSON.stringify(forced.node)} for COMPLETED: a node is where an ERRORED or TIMED_OUT run ends; drop it`)
      }
      const node = forced.node ?? (forced.status === "COMPLETED" || run.next >= n ? n : draw(run, [run.next, n - 1]))
      if (forced.status !== "COMPLETED" && (!Number.isInteger(node) || node < run.next || node >= n)) {
        throw new RangeError(
          n === 0 || run.next >= n
            ? `Execution ${id} has no unfinished node to end at; only COMPLETED can be forced`
            : `Invalid node ${JSON.stringify(forced.node)} for execution ${id}: expected an unfinished node's index, from ${run.next} to ${n - 1}`
        )
      }
      const struck = strikesNext(run)
      run.outcome = forced.status
      run.failAt = node
      // The pending node keeps its finishing time unless it strikes now or was to strike (after a
      // 30 s timeout, or every attempt): then it is timed again from its start.
      if (struck || strikesNext(run)) scheduleNode(run, record, run.since)
    },
    settled: (id) => {
      const record = records.get(id)
      if (record === undefined) return Promise.resolve(undefined)
      if (!runs.has(id) && !live.has(record.status)) return Promise.resolve(record)
      return new Promise((resolve) => {
        const waiting = waiters.get(id)
        if (waiting === undefined) waiters.set(id, [resolve])
        else waiting.push(resolve)
      })
    },
    onTransition: (listener) => {
      const own = (transition: Transition) => listener(transition)
      listeners.add(own)
      return () => {
        listeners.delete(own)
      }
    },
    size: () => runs.size,
    reset: (initial) => {
      clear()
      for (const record of initial) if (live.has(record.status)) observe(record)
    },
    close: clear
  }
}
