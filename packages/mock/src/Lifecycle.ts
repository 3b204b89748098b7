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
 * A run the mock starts (execute, rerun: observed with the run it repeats) begins at its
 * `createdAt`, its first node too: it is 0 % done then, and its nodes' `execution_time`s add up to
 * its `instance_execution_time`. A run the lifecycle is told of otherwise (the data set's, an
 * insert) goes on from the time it is told. A node that finishes `Success` takes
 * its input and output from the run it repeats (see {@link Lifecycle.observe}), else keeps its own
 * (an output `{}` if it has none); a node that fails gets an error output (`{ error }`) unless that
 * run's node failed too, whose output it then takes.
 *
 * Outcomes and timings are drawn from a PRNG seeded by the lifecycle's seed and the execution's id
 * (reproducible whatever the clock's speed or the order of requests), unless forced per execution
 * with {@link Lifecycle.force}. Default odds: {@link defaultOdds}.
 *
 * A run's timeline is drawn when it starts: when each of its nodes finishes, and so when it ends.
 * Only its end (or its stop) is an event on the clock: the lifecycle keeps one event per live
 * execution in a priority queue and ONE alarm on the clock for the earliest, so that advancing the
 * clock costs the runs that end, not a scan of every execution nor a write per node. The nodes that
 * finish before the end are written when the record is read ({@link Lifecycle.current}, which the
 * app's store calls on every read), so a reader sees each node finish at its time.
 *
 * @since 0.2.0
 */
import type { Fixture } from "@refold-effect/fixtures"
import FlatQueue from "flatqueue"
import { uniformInt } from "pure-rand/distribution/uniformInt"
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus"
import type { RandomGenerator } from "pure-rand/types/RandomGenerator"
import * as Iso from "./internal/Iso.js"
import { shown } from "./internal/Shown.js"
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
   * The latest stored version of a record as of the clock's time: `record` itself, or, for a
   * running execution some of whose nodes finished since it was stored, a new record with those
   * nodes `Success` (their `execution_time`s), its `completion_percentage` and `updatedAt` set.
   * Changes nothing else (not the status: the end of a run is an event, written on the clock).
   * The store calls it on every read and keeps what it returns.
   */
  readonly current: (record: Fixture.Record) => Fixture.Record
  /**
   * Tells the lifecycle about an execution that was inserted or changed by someone else (execute,
   * rerun, stop, a test's `update`): a `RUNNING` one starts advancing (a stopping one set back to
   * `RUNNING` runs on from now), a `STOPPING` one will stop, a finished one is left alone. Idempotent. `template` is the run it repeats (the run executed
   * again, or rerun), whose nodes' inputs and outputs its nodes take as they finish.
   */
  readonly observe: (record: Fixture.Record, template?: Fixture.Record) => void
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
  /**
   * Forgets every live execution and waiter, then starts again with the live ones among `records()`
   * (the data set's), read once nothing is live: so that they are read as stored, not as runs that
   * are forgotten would have brought them on.
   */
  readonly reset: (records: () => Iterable<Fixture.Record>) => void
  /** Cancels the clock alarm and resolves waiters with `undefined`. */
  readonly close: () => void
}

/** How to build a lifecycle. */
export interface Options {
  readonly clock: MockClock
  readonly records: Records
  /** Seed of the outcomes and timings: an integer in {@link seeds} (default 1). */
  readonly seed?: number | undefined
}

/**
 * The seeds a lifecycle takes: the 32-bit unsigned integers its hash mixes in whole (another number
 * would be folded onto one of them, so two seeds would give the same runs).
 */
export const seeds = { min: 0, max: 2 ** 32 - 1 } as const

/** Why `seed` is not a lifecycle seed (see {@link seeds}), or `undefined` when it is one. */
export const invalidSeed = (seed: unknown): string | undefined =>
  typeof seed === "number" && Number.isInteger(seed) && seed >= seeds.min && seed <= seeds.max
    ? undefined
    : `expected an integer from ${seeds.min} to ${seeds.max}, got ${shown(seed)}`

type MutableNode = { -readonly [K in keyof Fixture.Node]: Fixture.Node[K] }

/** One live execution. */
interface Run {
  readonly id: string
  readonly rng: RandomGenerator
  outcome: Outcome
  /** The node where a run that does not complete ends. */
  failAt: number
  /** The node the run started from (the first unfinished one) and when. */
  readonly first: number
  readonly start: number
  /**
   * The nodes whose inputs and outputs its nodes take: the nodes of the run it repeats, or, for
   * one that had not finished when it was repeated, the nodes that run took its own from.
   */
  readonly template: ReadonlyArray<Fixture.Node> | undefined
  /** When each node finishes, from `first` to the node the run ends at. */
  readonly ends: Array<number>
  /** Once stopping, its nodes no longer finish. */
  stopping: boolean
  /** The record last read or written and its first unfinished node: a read of it needs no scan. */
  seen: Fixture.Record | undefined
  seenAt: number
  /** The time of the run's one valid event, its end or its stop (NaN: none); a queued entry at another time is stale. */
  due: number
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
  const bad = invalidSeed(seed)
  if (bad !== undefined) throw new RangeError(`Invalid lifecycle seed: ${bad}`)
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

  /** Whether the run's outcome strikes at node `k`. */
  const strikesAt = (run: Run, k: number) => run.outcome !== "COMPLETED" && k === run.failAt

  /** The node the run ends at: its last, or where its outcome strikes. */
  const lastOf = (run: Run, n: number) => (run.outcome === "COMPLETED" ? n - 1 : run.failAt)

  /** How long node `k` takes: one attempt, every attempt when the run fails there, or the timeout. */
  const duration = (run: Run, node: Fixture.Node, k: number) =>
    strikesAt(run, k) && run.outcome === "TIMED_OUT" ? NODE_TIMEOUT_MS : nodeTime(run, node) * (strikesAt(run, k) ? (node.maximum_attempts ?? 1) : 1)

  /**
   * Draws when each node from `from` on finishes, node `from` starting at `time`, and schedules
   * the run's end when the last of them finishes. The draws are made in the order the nodes run,
   * so a run's timeline depends only on the seed, its id and what was forced.
   */
  const timeline = (run: Run, record: Fixture.Record, from: number, time: number) => {
    const nodes = record.nodes
    const last = Math.min(lastOf(run, nodes.length), nodes.length - 1)
    let t = time
    for (let k = from; k <= last; k++) {
      t += duration(run, nodes[k]!, k)
      run.ends[k] = t
    }
    schedule(run, t)
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

  /** The node of the run it repeats at `k`, if it is the same node. */
  const like = (run: Run, node: Fixture.Node, k: number): Fixture.Node | undefined => {
    const other = run.template?.[k]
    return other?.node_id === node.node_id ? other : undefined
  }

  /**
   * Node `k` finished as `status` after `attempts` and `execution_time`: with the input of the run it
   * repeats if it has none, and that run's output if its node ended the same way, else `output()`.
   */
  const finished = (
    run: Run,
    node: Fixture.Node,
    k: number,
    status: "Success" | "Errored" | "Timed_Out",
    attempts: number,
    execution_time: number,
    output: () => unknown
  ): Fixture.Node => {
    const other = like(run, node, k)
    const done: MutableNode = { ...node, node_status: status, attempts_made: attempts, execution_time }
    if (done.input_data === undefined && other?.input_data !== undefined) done.input_data = other.input_data
    done.latest_output = other?.node_status === status && other.latest_output !== undefined ? other.latest_output : output()
    return done
  }

  /** Node `k` finished `Success` after `execution_time`: with its input and its usual output. */
  const succeeded = (run: Run, node: Fixture.Node, k: number, execution_time: number): Fixture.Node =>
    finished(run, node, k, "Success", 1, execution_time, () => node.latest_output ?? {})

  /** Node `k` failed (`Errored` after `attempts`, or `Timed_Out`): with its input and an error output. */
  const failed = (run: Run, node: Fixture.Node, k: number, status: "Errored" | "Timed_Out", attempts: number, execution_time: number): Fixture.Node =>
    finished(run, node, k, status, attempts, execution_time, () => ({
      error: status === "Timed_Out" ? `Node did not finish within ${NODE_TIMEOUT_MS} ms` : `${node.node_name} failed after ${attempts} attempt${attempts === 1 ? "" : "s"}`
    }))

  /** When node `k` (the record's first unfinished) started. */
  const since = (run: Run, k: number) => (k <= run.first ? run.start : run.ends[k - 1]!)

  /**
   * `record` with the nodes that finished by `until` written (before the one the run ends at, which
   * is its end's): where the record stands is read from its nodes, so any version of it will do.
   */
  const written = (run: Run, record: Fixture.Record, until: number): Fixture.Record => {
    const last = lastOf(run, record.nodes.length)
    let k = record === run.seen ? run.seenAt : firstUnfinished(record.nodes)
    run.seen = record
    run.seenAt = k
    if (run.stopping || k >= last || !(run.ends[k]! <= until)) return record
    const nodes = record.nodes.slice()
    for (; k < last && run.ends[k]! <= until; k++) nodes[k] = succeeded(run, nodes[k]!, k, run.ends[k]! - since(run, k))
    const next = { ...record, nodes, completion_percentage: Math.floor((100 * k) / nodes.length), updatedAt: iso(run.ends[k - 1]!) }
    run.seen = next
    run.seenAt = k
    return next
  }

  /** The run ends at `time`: its last node finishes, or its outcome strikes. */
  const end = (run: Run, record: Fixture.Record, time: number): Fixture.Record => {
    const nodes = record.nodes.slice()
    const k = firstUnfinished(nodes)
    const n = nodes.length
    if (k >= n || run.outcome === "COMPLETED") {
      if (k < n) nodes[k] = succeeded(run, nodes[k]!, k, time - since(run, k))
      return finish(record, { status: "COMPLETED", completion_percentage: 100, nodes }, time)
    }
    const timedOut = run.outcome === "TIMED_OUT"
    const struck = nodes[k]!
    nodes[k] = failed(run, struck, k, timedOut ? "Timed_Out" : "Errored", timedOut ? 1 : (struck.maximum_attempts ?? 1), time - since(run, k))
    for (let j = k + 1; j < n; j++) nodes[j] = { ...nodes[j]!, node_status: timedOut ? "Timed_Out" : "Errored_and_Skipped" }
    return finish(record, { status: run.outcome, completion_percentage: Math.floor((100 * k) / n), nodes }, time)
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
      run.live = false
      runs.delete(run.id)
      if (record === undefined) {
        settle(run.id, undefined)
        continue
      }
      const next = run.stopping ? stop(record, head) : end(run, written(run, record, head), head)
      records.put(next)
      emit(next, record.status, head)
      settle(run.id, next)
    }
  }

  const startStop = (run: Run, time: number) => {
    run.stopping = true
    schedule(run, time + STOP_MS)
  }

  /** The nodes a run of `template` takes its inputs and outputs from (see {@link Run.template}): one pass over its nodes. */
  const usual = (template: Fixture.Record | undefined): ReadonlyArray<Fixture.Node> | undefined => {
    if (template === undefined) return undefined
    const before = runs.get(template._id)?.template
    if (before === undefined) return template.nodes
    return template.nodes.map((node, k) => (node.node_status !== "Success" && before[k]?.node_id === node.node_id ? before[k]! : node))
  }

  const observe = (record: Fixture.Record, template?: Fixture.Record) => {
    const id = record._id
    const run = runs.get(id)
    if (!live.has(record.status)) {
      if (run !== undefined) {
        runs.delete(id)
        run.live = false
        emit(record, run.stopping ? "STOPPING" : "RUNNING", clock.now())
      }
      settle(id, record)
      return
    }
    const time = clock.now()
    if (run !== undefined) {
      if (record.status === "STOPPING" && !run.stopping) startStop(run, time)
      // A stop taken back (a test's update to RUNNING before it took effect): the pending stop is
      // dropped and the execution runs on from now, like one inserted running.
      if (!(record.status === "RUNNING" && run.stopping)) return
      runs.delete(id)
      run.live = false
    }
    const first = firstUnfinished(record.nodes)
    // A run the mock started begins at its creation (which may be a moment ahead of the clock, after
    // the newest execution); one it is told of (data set, insert) goes on from now.
    const created = template === undefined ? Number.NaN : Date.parse(record.createdAt)
    const start = Number.isNaN(created) ? time : Math.max(time, created)
    const fresh: Run = { id, rng: xoroshiro128plus(hash(seed, id)), outcome: "COMPLETED", failAt: 0, first, start, template: usual(template), ends: [], stopping: false, seen: undefined, seenAt: 0, due: Number.NaN, live: true }
    runs.set(id, fresh)
    if (record.status === "STOPPING") return startStop(fresh, time)
    plan(fresh, record.nodes.length, first)
    // A run with no node left still takes a moment to end.
    if (first >= record.nodes.length) schedule(fresh, start + draw(fresh, otherNodeMs))
    else timeline(fresh, record, first, start)
  }

  const current = (record: Fixture.Record): Fixture.Record => {
    if (record.status !== "RUNNING") return record
    const run = runs.get(record._id)
    return run === undefined ? record : written(run, record, clock.now())
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
    current,
    observe,
    force: (id, forced) => {
      const run = runs.get(id)
      const stored = records.get(id)
      if (stored === undefined) throw new Error(`No execution ${JSON.stringify(id)}`)
      if (run === undefined) throw new Error(`Execution ${id} is not running: only a RUNNING execution's outcome can be forced`)
      if (run.stopping) throw new Error(`Execution ${id} is stopping: it will be STOPPED`)
      const n = stored.nodes.length
      if (forced.status === "COMPLETED" && forced.node !== undefined) {
        throw new RangeError(`Invalid node ${JSON.stringify(forced.node)} for COMPLETED: a node is where an ERRORED or TIMED_OUT run ends; drop it`)
      }
      // Where the run stands now: the nodes finished so far are written first.
      const record = written(run, stored, clock.now())
      if (record !== stored) records.put(record)
      const k = firstUnfinished(record.nodes)
      const node = forced.node ?? (forced.status === "COMPLETED" || k >= n ? n : draw(run, [k, n - 1]))
      if (forced.status !== "COMPLETED" && (!Number.isInteger(node) || node < k || node >= n)) {
        throw new RangeError(
          n === 0 || k >= n
            ? `Execution ${id} has no unfinished node to end at; only COMPLETED can be forced`
            : `Invalid node ${JSON.stringify(forced.node)} for execution ${id}: expected an unfinished node's index, from ${k} to ${n - 1}`
        )
      }
      // (A run with no node left completes whatever was forced, at the time it was to end.)
      if (k >= n) {
        run.outcome = forced.status
        return
      }
      const struck = strikesAt(run, k)
      run.outcome = forced.status
      run.failAt = node
      // The pending node keeps its finishing time unless it strikes now or was to strike (after a
      // 30 s timeout, or every attempt): then it is timed again from its start. The nodes after it
      // are timed again in any case.
      if (struck || strikesAt(run, k)) timeline(run, record, k, since(run, k))
      else timeline(run, record, k + 1, run.ends[k]!)
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
      for (const record of initial()) if (live.has(record.status)) observe(record)
    },
    close: clear
  }
}
