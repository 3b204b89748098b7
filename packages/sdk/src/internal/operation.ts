/**
 * One operation of the SDK (one request under the retry policy): its span, opened and ended here
 * as `Effect.withSpan` would, and the attempt it has in flight, stopped when the operation is
 * interrupted. One `Effect.onExit` does both, where `Effect.withSpan` and an interruptible wait for
 * each attempt would take one each: such a bracket is a good share of what the SDK adds to a
 * request (see `scripts/pieces.ts`).
 *
 * @internal
 */
import { Clock, Context, Effect, type Fiber, FiberRef, type Tracer } from "effect"

/** The span of an operation: its name and attributes. */
export interface Span {
  readonly name: string
  readonly attributes?: Readonly<Record<string, unknown>> | undefined
}

/** Span options of the SDK's operations: no stack trace captured per call. */
export const untraced = { captureStackTrace: false } as const

/**
 * What an operation has in flight: how to stop the attempt running (interrupting its fiber and
 * waiting for it to end, cancelling its timer), set while one runs.
 */
export interface InFlight {
  stop: (() => Effect.Effect<void>) | undefined
}

const stopping = (inFlight: InFlight): Effect.Effect<void> => {
  const stop = inFlight.stop
  inFlight.stop = undefined
  return stop === undefined ? Effect.void : stop()
}

/**
 * Runs `body` in the span `span` (when given: the operation's span, given to `body`, which makes
 * it the parent of what it runs; else `body` runs in the current span) and, however it ends,
 * stops what it left in flight first. `body` is given the fiber that runs it, as
 * `Effect.withFiberRuntime` gives it.
 */
export const run = <A, E>(
  span: Span | undefined,
  body: (span: Tracer.AnySpan | undefined, inFlight: InFlight, fiber: Fiber.RuntimeFiber<A, E>) => Effect.Effect<A, E>
): Effect.Effect<A, E> => {
  if (span === undefined) {
    return Effect.withFiberRuntime((fiber) => {
      const inFlight: InFlight = { stop: undefined }
      return Effect.onExit(body(undefined, inFlight, fiber), () => stopping(inFlight))
    })
  }
  // A literal, not `{ ...untraced, attributes }`: V8 builds a spread with added keys slowly.
  return Effect.flatMap(Effect.makeSpan(span.name, { captureStackTrace: false, attributes: span.attributes }), (opened) =>
    Effect.withFiberRuntime<A, E>((fiber) => {
      const timing = fiber.getFiberRef(FiberRef.currentTracerTimingEnabled)
      const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
      const inFlight: InFlight = { stop: undefined }
      // As `Effect.withSpan` ends its span: once, with the operation's exit.
      const end = (exit: Parameters<Tracer.Span["end"]>[1]) =>
        Effect.sync(() => {
          if (opened.status._tag !== "Ended") opened.end(timing ? clock.unsafeCurrentTimeNanos() : BigInt(0), exit)
        })
      return Effect.onExit(body(opened, inFlight, fiber), (exit) => inFlight.stop === undefined ? end(exit) : Effect.zipRight(stopping(inFlight), end(exit)))
    }))
}

/** `effect` in the span `span`: for what fails before a request is made. */
export const traced = <A, E>(effect: Effect.Effect<A, E>, span: Span): Effect.Effect<A, E> =>
  Effect.withSpan(effect, span.name, { ...untraced, attributes: span.attributes })
