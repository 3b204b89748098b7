/**
 * `refold-executions watch <id>`: follows an execution until it ends (the SDK's
 * `executions.watch`), printing its progress as it changes.
 *
 * @since 0.1.0
 */
import { type Execution, Executions } from "@refold-effect/sdk"
import { Console, Duration, Effect, Option, Ref, Stream } from "effect"
import { ExecutionFailed, onInterrupt, WatchTimedOut } from "../Failure.js"
import * as Format from "../Format.js"

/** How often and how long to poll. */
export interface WatchOptions {
  /** Pause between two polls (default 2 seconds). */
  readonly interval?: Duration.DurationInput | undefined
  /** Give up after this long (default 5 minutes). */
  readonly timeout?: Duration.DurationInput | undefined
}

/** The defaults of {@link WatchOptions}. */
export const defaults = { interval: Duration.seconds(2), timeout: Duration.minutes(5) } as const

/**
 * Follows the execution with the SDK's `executions.watch` (a poll every `interval`, a snapshot per
 * change, the end at a terminal status), printing `render(previous, next)` for each snapshot (nothing
 * when it gives `undefined`). Succeeds when it ends `COMPLETED`; fails with `ExecutionFailed` when it
 * ends otherwise, and with `WatchTimedOut` when `timeout` runs out first. A poll that fails (after the
 * SDK's own retries) ends it with its error. Shared by `watch` and `run`.
 */
export const follow = Effect.fn("follow")(function*(
  executionId: string,
  options: WatchOptions,
  render: (previous: Execution.Detail | undefined, next: Execution.Detail) => string | undefined
) {
  const executions = yield* Executions
  const interval = Duration.decode(options.interval ?? defaults.interval)
  const timeout = Duration.decode(options.timeout ?? defaults.timeout)
  const latest = yield* Ref.make(Option.none<Execution.Detail>())

  const ended = yield* executions.watch(executionId, { interval }).pipe(
    Stream.tap((next) =>
      Ref.getAndSet(latest, Option.some(next)).pipe(
        Effect.flatMap((previous) => {
          const line = render(Option.getOrUndefined(previous), next)
          return line === undefined ? Effect.void : Console.log(line)
        })
      )
    ),
    Stream.runLast,
    Effect.timeoutOption(timeout),
    Effect.map(Option.flatten),
    onInterrupt(
      `Interrupted: stopped following execution ${executionId}; the execution itself was not stopped (follow it again: refold-executions watch ${executionId}).`
    )
  )

  if (Option.isNone(ended)) {
    const seen = Option.getOrUndefined(yield* Ref.get(latest))
    return yield* new WatchTimedOut({ executionId, timeout, status: seen?.status, percent: seen?.completion_percentage })
  }
  const execution = ended.value
  if (execution.status !== "COMPLETED") {
    return yield* new ExecutionFailed({ executionId, status: execution.status, reason: Format.failedNode(execution) })
  }
  yield* Console.log(`Execution ${executionId} COMPLETED.`)
})

/**
 * Follows the execution (see {@link follow}), printing a progress line whenever its status,
 * completion or a node's status changes. Succeeds when it ends `COMPLETED`; fails with
 * `ExecutionFailed` when it ends otherwise, and with `WatchTimedOut` when `timeout` runs out first.
 */
export const watch = Effect.fn("watch")(function*(executionId: string, options: WatchOptions = {}) {
  return yield* follow(executionId, options, Format.progress)
})
