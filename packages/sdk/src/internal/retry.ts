/**
 * The retry policy: which failures are retried, how long to wait (exponential backoff with jitter,
 * or the server's `Retry-After`), and the per-attempt timeout and total deadline around it all.
 * Pure decisions ({@link decide}) are separate from the loop ({@link run}) so both are testable.
 *
 * @internal
 */
import { Clock, Context, Duration, Effect, type Fiber, Random, Schedule, ScheduleDecision, ScheduleIntervals, type Tracer } from "effect"
import type { Settings } from "../RefoldConfig.js"
import { isRetryable, type RefoldError, Timeout } from "../RefoldError.js"
import type * as Exchange from "./exchange.js"

/** What to do after a failed attempt. */
export type Decision = { readonly _tag: "Retry"; readonly delay: Duration.Duration } | { readonly _tag: "Fail" }

const fail: Decision = { _tag: "Fail" }

export { isRetryable } from "../RefoldError.js"

/**
 * The backoff before retry number `retry` (0 for the first): `retryDelay * 2^retry`, capped at
 * `maxRetryDelay`, minus up to a quarter at random so that clients do not retry in step.
 */
export const backoff = (settings: Settings, retry: number, random: number): Duration.Duration => {
  const base = Math.min(Duration.toMillis(settings.retryDelay) * 2 ** retry, Duration.toMillis(settings.maxRetryDelay))
  return Duration.millis(base * (1 - random * 0.25))
}

/**
 * Decides whether to retry after `error`, `retries` retries in, with `remaining` left before the
 * deadline. A `Retry-After` replaces the backoff; one beyond `maxRetryAfter`, or a wait that would
 * end past the deadline, fails at once rather than sleeping in vain.
 */
export const decide = (
  settings: Settings,
  error: RefoldError,
  retries: number,
  remaining: Duration.Duration,
  random: number,
  idempotent = true
): Decision => {
  if (!isRetryable(error, { idempotent }) || retries >= settings.maxRetries) return fail
  const retryAfter = error._tag === "RateLimited" || error._tag === "ServerError" ? error.retryAfter : undefined
  if (retryAfter !== undefined && Duration.greaterThan(retryAfter, settings.maxRetryAfter)) return fail
  const delay = retryAfter ?? backoff(settings, retries, random)
  return Duration.lessThan(delay, remaining) ? { _tag: "Retry", delay } : fail
}

/**
 * Parses a `Retry-After` header: delay-seconds, or an HTTP date (relative to `now`, in epoch
 * milliseconds; a date in the past means no wait). `undefined` when absent or unreadable.
 */
export const parseRetryAfter = (header: string | undefined, now: number): Duration.Duration | undefined => {
  if (header === undefined) return undefined
  const text = header.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Duration.seconds(Number(text))
  // An HTTP date names its day and month ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone would take "-5".
  const at = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN
  return Number.isNaN(at) ? undefined : Duration.millis(Math.max(0, at - now))
}

/** The debug line of a retry: the error's tag, the retry's number (1 for the first) and the wait before it. */
const retrying = (error: RefoldError, retry: number, delayMs: number) =>
  Effect.logDebug("Refold request failed; retrying").pipe(
    Effect.annotateLogs({ "refold.error": error._tag, "refold.retry": retry, "refold.delay_ms": Math.round(delayMs) })
  )

/**
 * Runs `attempt` until it succeeds or {@link decide} says to stop, each attempt limited to the
 * per-attempt timeout (or what is left of the deadline, if less): the attempt enforces the
 * {@link Exchange.Limit} it is given. Interruption stops it at once, in an attempt or in a backoff.
 * The number of attempts is recorded on `span`, the operation's span (the current span when
 * absent); the loop's log lines are that span's events.
 *
 * The first attempt runs without the loop's machinery (most calls succeed at once); a failure
 * enters the loop. `fiber` is the fiber that runs it (its clock and span are read once, up front).
 */
export const run = <A>(
  fiber: Fiber.RuntimeFiber<unknown, unknown>,
  settings: Settings,
  target: Exchange.Target,
  attempt: (limit: Exchange.Limit) => Effect.Effect<A, RefoldError>,
  idempotent = true,
  operation?: Tracer.AnySpan | undefined
): Effect.Effect<A, RefoldError> => {
  const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
  // The span of the operation, annotated in place: `Effect.annotateCurrentSpan` costs several
  // steps per call (and an exception when there is no span).
  const span = operation ?? fiber.currentSpan
  const deadline = clock.unsafeCurrentTimeMillis() + Duration.toMillis(settings.deadline)
  const timeout = Duration.toMillis(settings.timeout)
  const limit = (): Exchange.Limit => {
    const remaining = Math.max(0, deadline - clock.unsafeCurrentTimeMillis())
    return remaining < timeout
      ? {
        millis: remaining,
        onTimeout: () =>
          new Timeout({
            kind: "deadline",
            timeout: settings.deadline,
            message: `No complete answer within the deadline of ${Duration.format(settings.deadline)}`,
            ...target
          })
      }
      : {
        millis: timeout,
        onTimeout: () =>
          new Timeout({
            kind: "attempt",
            timeout: settings.timeout,
            message: `No complete answer within the per-attempt timeout of ${Duration.format(settings.timeout)}`,
            ...target
          })
      }
  }
  const attempts = (n: number) =>
    Effect.sync(() => {
      if (span?._tag === "Span") span.attribute("refold.attempts", n)
    })
  // What runs after a failure runs with the operation's span as the current span.
  const traced = <X, E>(effect: Effect.Effect<X, E>) => span === undefined || span === fiber.currentSpan ? effect : Effect.withParentSpan(effect, span)

  if (settings.retrySchedule !== undefined) {
    // The application's schedule decides when and how often; what may be retried stays ours.
    let tries = 0
    let failed: RefoldError | undefined
    const schedule = settings.retrySchedule.pipe(
      Schedule.whileInput((error: RefoldError) => isRetryable(error, { idempotent }) && deadline - clock.unsafeCurrentTimeMillis() > 0),
      Schedule.tapInput((error: RefoldError) => Effect.sync(() => (failed = error))),
      // Logged as the SDK's own backoff logs its retries, once the schedule has decided to retry.
      Schedule.onDecision((_, decision) =>
        ScheduleDecision.isContinue(decision) && failed !== undefined ? retrying(failed, tries, Math.max(0, ScheduleIntervals.start(decision.intervals) - clock.unsafeCurrentTimeMillis())) : Effect.void
      )
    )
    return Effect.suspend(() => attempt(limit())).pipe(
      Effect.tap(() => Effect.sync(() => tries++)),
      Effect.tapError(() => Effect.sync(() => tries++)),
      Effect.retry(schedule),
      Effect.ensuring(Effect.suspend(() => attempts(tries))),
      traced
    )
  }

  const retry = (error: RefoldError, retries: number): Effect.Effect<A, RefoldError> =>
    Effect.flatMap(Random.next, (random) => {
      const left = Duration.millis(Math.max(0, deadline - clock.unsafeCurrentTimeMillis()))
      const decision = decide(settings, error, retries, left, random, idempotent)
      if (decision._tag === "Fail") return Effect.zipRight(attempts(retries + 1), Effect.fail(error))
      return retrying(error, retries + 1, Duration.toMillis(decision.delay)).pipe(
        Effect.zipRight(Effect.sleep(decision.delay)),
        Effect.zipRight(Effect.suspend(() => from(retries + 1)))
      )
    })
  const from = (retries: number): Effect.Effect<A, RefoldError> =>
    Effect.matchEffect(attempt(limit()), {
      onSuccess: (a) => {
        if (span?._tag === "Span") span.attribute("refold.attempts", retries + 1)
        return Effect.succeed(a)
      },
      onFailure: (error) => retries === 0 ? traced(retry(error, 0)) : retry(error, retries)
    })
  return from(0)
}
