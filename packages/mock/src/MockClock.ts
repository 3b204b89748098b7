/**
 * The mock's clock: the time its executions run on, one per app. It reads a time source (the
 * system's, or Effect's `Clock` in `RefoldMock.layer`), scaled by a speed factor, plus what was
 * added by {@link MockClock.advance}:
 *
 * - real time (speed 1, the default);
 * - faster or slower (`speed: 60`: a minute of executions per second);
 * - manual (speed 0): time moves only when told, with `advance` (`POST /__admin/clock/advance`).
 *
 * Whatever must happen at a given time (the next node of an execution to finish, a stop to take
 * effect) is an alarm: alarms wait in one priority queue, behind ONE timer of the time source set
 * for the earliest of them, so that a thousand pending alarms cost one timer (on the system's time,
 * one that waits {@link WAKE_MS} at least, so that alarms due every millisecond fire in batches).
 * Timers never keep the process alive (`unref`), and `close` clears them. `poll` fires what is due
 * without waiting for the timer: the app calls it before answering a request, so an answer always
 * reflects the clock.
 *
 * @since 0.2.0
 */
import FlatQueue from "flatqueue"
import { shown } from "./internal/Shown.js"

/** What the clock reads and how it waits: the system's by default, Effect's `Clock` in tests. */
export interface Source {
  /** Milliseconds since the epoch. */
  readonly now: () => number
  /** Calls `wake` after `ms` of this source's time; the function returned cancels it. */
  readonly wait: (ms: number, wake: () => void) => () => void
}

/** How to build a clock. Every field is optional. */
export interface Options {
  /** How many clock milliseconds pass per millisecond of the source: 1 (default), 60, 0.5, or 0 (manual). */
  readonly speed?: number | undefined
  /** The time source; default: the system's (`Date.now`, unref'd `setTimeout`). */
  readonly source?: Source | undefined
}

/** What `GET /__admin/clock` shows. */
export interface Snapshot {
  /** `"manual"` when time moves only by `advance`, else `"real"` (at `speed`). */
  readonly mode: "real" | "manual"
  readonly speed: number
  /** The clock's time, ISO 8601. */
  readonly now: string
  /** The clock's time, in milliseconds since the epoch. */
  readonly nowMs: number
  /** How much `advance` added so far, in milliseconds. */
  readonly advancedMs: number
  /** How many alarms are pending. */
  readonly pending: number
}

/** The clock of one app. */
export interface MockClock {
  readonly speed: number
  /** The clock's time, in milliseconds since the epoch. */
  readonly now: () => number
  /**
   * Calls `fire` with `time` once the clock reaches it (at once on the next `poll` or `advance` when
   * it already has). Returns a function that cancels the alarm.
   */
  readonly at: (time: number, fire: (time: number) => void) => () => void
  /** Fires the alarms that are due. Cheap when none is: one read of the source. */
  readonly poll: () => void
  /**
   * Moves the clock forward by `ms` (in every mode) and fires, in time order, the alarms that fall
   * due on the way, each with the clock at its own time (as `TestClock.adjust` runs sleeps). Throws a `RangeError` (see {@link invalidAdvance}) unless `ms` is a whole number
   * from 0 to {@link MAX_ADVANCE_MS}: the mock's times are whole milliseconds, as the API's are.
   */
  readonly advance: (ms: number) => void
  readonly snapshot: () => Snapshot
  /** Cancels every alarm and its timer. The clock still tells the time. */
  readonly close: () => void
}

/** The largest single `advance`: one year. */
export const MAX_ADVANCE_MS = 366 * 86_400_000

/** The largest delay `setTimeout` takes; a longer wait is re-armed when it ends. */
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * The shortest wait of {@link systemSource}'s timer, in milliseconds of real time. A thousand
 * executions running end about once a millisecond, and a wake-up of the event loop for each made a
 * loaded server's loop turn 3 times as often (an `epoll_wait` per 12 responses instead of per 40;
 * see `BENCHMARKS.md`, figure 7). With this floor, what falls due within it fires together, each
 * alarm with its own time. Requests never wait for it (the app fires what is due before answering);
 * what nothing asks for (a webhook, the answer to a sync execute) leaves at most this much later.
 */
export const WAKE_MS = 10

/** The system's time, with timers that do not keep the process alive and wait {@link WAKE_MS} at least. */
export const systemSource: Source = {
  now: Date.now,
  wait: (ms, wake) => {
    const timer = setTimeout(wake, Math.max(ms, WAKE_MS))
    timer.unref()
    return () => clearTimeout(timer)
  }
}

/**
 * Checks a speed factor, as given on a command line or in options: a finite number from 0 to
 * 1,000,000. Returns a message naming the problem, or `undefined`.
 */
export const invalidSpeed = (speed: unknown): string | undefined =>
  typeof speed === "number" && Number.isFinite(speed) && speed >= 0 && speed <= 1_000_000
    ? undefined
    : `Invalid clock speed ${shown(speed)}: expected a number from 0 (manual) to 1000000`

/**
 * Checks an advance: a whole number of milliseconds from 0 to {@link MAX_ADVANCE_MS}. Returns a
 * message naming the value and what is wrong with it, or `undefined`.
 */
export const invalidAdvance = (ms: unknown): string | undefined => {
  if (typeof ms === "number" && Number.isInteger(ms) && ms >= 0 && ms <= MAX_ADVANCE_MS) return undefined
  const given = typeof ms === "number" && !Number.isFinite(ms) ? `${ms} (not finite)` : shown(ms)
  return `Invalid clock advance ${given}: expected a whole number of milliseconds from 0 to ${MAX_ADVANCE_MS}`
}

/** The fields of {@link Options}: the type makes a missing one a compile error. */
const optionFields: { readonly [K in keyof Options]-?: true } = { speed: true, source: true }

/**
 * Why `options` cannot build a clock, or `undefined` when they can: an object of {@link Options}'
 * fields only (`{ mode: "manual" }` would otherwise run a real clock), with a valid speed.
 */
export const invalidOptions = (options: unknown): string | undefined => {
  if (typeof options !== "object" || options === null || Array.isArray(options)) return `Invalid clock: expected clock options such as { speed: 60 } or a clock (MockClock.make), got ${shown(options)}`
  const unknown = Object.keys(options).find((k) => !Object.hasOwn(optionFields, k))
  if (unknown !== undefined) return `Invalid clock: unknown field ${JSON.stringify(unknown)}; expected ${Object.keys(optionFields).join(", ")} (speed 0 is the manual clock)`
  const { speed, source } = options as Options
  if (source !== undefined && (typeof source !== "object" || source === null || typeof source.now !== "function" || typeof source.wait !== "function")) return "Invalid clock.source: expected { now, wait }"
  return speed === undefined ? undefined : invalidSpeed(speed)
}

/** A new clock starting at the source's current time. Throws a `RangeError` for invalid options (see {@link invalidOptions}). */
export const make = (options: Options = {}): MockClock => {
  const bad = invalidOptions(options)
  if (bad !== undefined) throw new RangeError(bad)
  const speed = options.speed ?? 1
  const source = options.source ?? systemSource
  const origin = source.now()
  let advanced = 0
  const now = speed === 1 ? () => source.now() + advanced : () => origin + (source.now() - origin) * speed + advanced

  // Alarms by time; a cancelled one stays queued until it comes up, and is then skipped.
  const queue = new FlatQueue<number>()
  const alarms = new Map<number, (time: number) => void>()
  let serial = 0
  let timer: { readonly time: number; readonly cancel: () => void } | undefined

  /** Fires every alarm due by `until`, in time order; an alarm may set new ones. */
  /** Fires the alarms due by `until` in time order, each after `reach(its time)`. */
  const fireUntil = (until: number, reach?: (time: number) => void) => {
    for (let head = queue.peekValue(); head !== undefined && head <= until; head = queue.peekValue()) {
      const id = queue.pop()!
      const fire = alarms.get(id)
      if (fire === undefined) continue
      alarms.delete(id)
      reach?.(head)
      fire(head)
    }
  }

  /** Sets the source's timer for the earliest alarm, unless it is already set for it. */
  const arm = () => {
    while (queue.length > 0 && !alarms.has(queue.peek()!)) queue.pop()
    const head = queue.peekValue()
    if (speed === 0 || head === undefined) {
      timer?.cancel()
      timer = undefined
      return
    }
    if (timer !== undefined && timer.time === head) return
    timer?.cancel()
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil((head - now()) / speed)))
    timer = {
      time: head,
      // Fire and re-arm whatever the time reads: a system timer can run a millisecond before
      // `Date.now()` reaches its alarm, and must then wait again rather than be lost.
      cancel: source.wait(wait, () => {
        timer = undefined
        fireUntil(now())
        arm()
      })
    }
  }

  const poll = () => {
    const head = queue.peekValue()
    if (head === undefined || head > now()) return
    fireUntil(now())
    arm()
  }

  return {
    speed,
    now,
    at: (time, fire) => {
      const id = serial++
      alarms.set(id, fire)
      queue.push(id, time)
      if (timer === undefined || time < timer.time) arm()
      return () => {
        alarms.delete(id)
      }
    },
    poll,
    advance: (ms) => {
      const bad = invalidAdvance(ms)
      if (bad !== undefined) throw new RangeError(bad)
      // The clock steps from alarm to alarm, as `TestClock.adjust` runs sleeps: what an alarm stamps
      // or schedules from `now()` (a delivery's `sentAt`, a retry's backoff) is at its own time, not
      // at the end of the advance.
      const from = now()
      const start = advanced
      fireUntil(from + ms, (time) => {
        advanced = Math.max(advanced, start + time - from)
      })
      advanced = start + ms
      arm()
    },
    snapshot: () => {
      const time = now()
      return {
        mode: speed === 0 ? "manual" : "real",
        speed,
        now: new Date(time).toISOString(),
        nowMs: time,
        advancedMs: advanced,
        pending: alarms.size
      }
    },
    close: () => {
      timer?.cancel()
      timer = undefined
      alarms.clear()
      queue.clear()
    }
  }
}
