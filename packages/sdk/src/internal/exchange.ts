/**
 * One HTTP exchange through the application's `HttpClient`: a request and its whole body, within a
 * time limit, the body read up to a cap, no redirect followed. Everything `@effect/platform`
 * specific lives here, so that moving to Effect 4 replaces this file.
 *
 * Three guarantees hold whatever client and middleware the application gives:
 *
 * - **An answer is an answer.** A non-2xx response that middleware turned into a failure
 *   (`HttpClient.filterStatusOk`'s `ResponseError`) is read like any other response, so the
 *   caller sees its status, never a transport error.
 * - **Bounded reads.** A `content-length` beyond the cap fails before the body is read; otherwise
 *   the body is read chunk by chunk (after the client's decompression, so a gzip bomb is stopped
 *   while inflating) and the read stops, cancelling the body, once the cap is passed.
 * - **No redirects.** The SDK never follows a redirect: `fetch` is told `redirect: "manual"`
 *   (`FetchHttpClient.RequestInit`, merged with one in the calling fiber's context), Node's and
 *   undici's clients follow none, and a 3xx comes back as an answer that the transport refuses.
 *   So credentials never leave the configured origin.
 *
 * @internal
 */
import { FetchHttpClient, type HttpClient, type HttpClientError, HttpClientRequest, type HttpClientResponse } from "@effect/platform"
import { type Cause, Clock, Context, Duration, Effect, Exit, Fiber, FiberRef, Option, Runtime, Stream, Tracer } from "effect"
import { ResponseTooLarge, type Timeout, TransportError } from "../RefoldError.js"
import type { Redact } from "./auth.js"
import type * as Operation from "./operation.js"

/** What the SDK reads of an answer. */
export interface Answer {
  readonly status: number
  /** A response header by lower-case name. */
  readonly header: (name: string) => string | undefined
  readonly body: string
}

/** The request, as errors describe it. */
export interface Target {
  readonly method: string
  readonly url: string
}

/** A request to send: its target, and a JSON body for a `POST`. */
export interface Outgoing extends Target {
  readonly body?: string | undefined
}

/** How long one exchange may take, and how it fails when that time has passed. */
export interface Limit {
  readonly millis: number
  readonly onTimeout: () => Timeout
}

/**
 * Sends a request with `template`'s headers, reads the whole body and runs `then` on the answer,
 * all within `limit`, in a fiber whose parent span is `span` (the operation's, when the caller did
 * not make it the current span; else the current one). While it runs, `inFlight` says how to stop
 * it: the operation stops it when interrupted (see `operation.ts`).
 */
export type Exchange = <A, E>(
  request: Outgoing,
  template: HttpClientRequest.HttpClientRequest,
  limit: Limit,
  span: Tracer.AnySpan | undefined,
  inFlight: Operation.InFlight,
  then: (answer: Answer) => Effect.Effect<A, E>
) => Effect.Effect<A, E | TransportError | Timeout | ResponseTooLarge>

/**
 * Marks the attempt's fiber as one whose failure is handled: {@link within} hands it to the
 * operation, but Effect logs a root fiber's failure at debug level as "Fiber terminated with an
 * unhandled error", which would show every NotFound and retried 503 as one. Run only on the way to
 * a failure (here and in `transport.ts`), so that a successful call pays nothing for it.
 */
export const handled: Effect.Effect<void> = FiberRef.set(FiberRef.unhandledErrorLogLevel, Option.none())

/** `cause`, failed by a fiber marked {@link handled}. */
const failHandled = <E>(cause: Cause.Cause<E>): Effect.Effect<never, E> => Effect.zipRight(handled, Effect.failCause(cause))

/** The request every exchange starts from: method, URL and body are set per call. */
export const template = (headers: Readonly<Record<string, string>>): HttpClientRequest.HttpClientRequest =>
  HttpClientRequest.get("/", { headers: { accept: "application/json", ...headers } })

const describeCause = (cause: unknown): string => {
  const parts: Array<string> = []
  for (let c = cause, depth = 0; c !== undefined && c !== null && depth < 4; depth++) {
    if (c instanceof Error) {
      const code = (c as { code?: unknown }).code
      parts.push(typeof code === "string" && !c.message.includes(code) ? `${c.message} (${code})` : c.message)
      c = c.cause
    } else {
      parts.push(String(c))
      break
    }
  }
  return parts.filter((p) => p !== "").join(": ")
}

/** Whether `cause` says the connection was refused: the request cannot have reached the server. */
export const refused = (cause: unknown, depth = 0): boolean => {
  if (typeof cause !== "object" || cause === null || depth > 5) return false
  if ((cause as { code?: unknown }).code === "ECONNREFUSED") return true
  const errors = (cause as { errors?: unknown }).errors
  if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => refused(e, depth + 1))) return true
  return refused((cause as { cause?: unknown }).cause, depth + 1)
}

/** Why an exchange failed before an answer was read. */
type Stage = "send" | "body" | { readonly unbuilt: string }

const failed = (stage: Stage, cause: unknown, target: Target, redact: Redact): TransportError => {
  // A cause's message may quote what a server sent (a malformed header, a proxy's answer).
  const why = redact(describeCause(cause))
  const what = stage === "body"
    ? "The response body could not be read"
    : stage === "send"
    ? `The request to ${new URL(target.url).origin} failed`
    : `The request could not be built (${stage.unbuilt})`
  const unsent = stage !== "body" && (typeof stage === "object" || refused(cause))
  return new TransportError({
    message: why === "" ? what : `${what}: ${why}`,
    method: target.method,
    url: target.url,
    ...(unsent ? { unsent } : {})
  })
}

const stageOf = (error: HttpClientError.RequestError): Stage => error.reason === "Transport" ? "send" : { unbuilt: error.reason }

const tooLarge = (status: number, cap: number, target: Target, why: string, redact: Redact) =>
  new ResponseTooLarge({
    limit: cap,
    status,
    message: redact(`The response body ${why}, beyond the cap of ${cap} bytes (maxBodySize)`),
    method: target.method,
    url: target.url
  })

const decoder = new TextDecoder()

/** The body, read up to `cap` bytes: at once when its length is known and plain, else chunk by chunk. */
const read = (
  response: HttpClientResponse.HttpClientResponse,
  cap: number,
  target: Target,
  redact: Redact
): Effect.Effect<Answer, TransportError | ResponseTooLarge> => {
  const headers = response.headers
  const header = (name: string) => headers[name]
  const answer = (body: string): Answer => ({ status: response.status, header, body })
  const length = headers["content-length"]
  const encoding = headers["content-encoding"]
  const announced = length === undefined ? Number.NaN : Number(length)
  const mapError = (error: HttpClientError.ResponseError) => failed("body", error.cause ?? error, target, redact)
  if (announced > cap) {
    // Read one chunk and let go: ending the stream cancels the body, closing the connection.
    return Effect.zipRight(
      Effect.ignore(Stream.runHead(response.stream)),
      Effect.fail(tooLarge(response.status, cap, target, `announces a content-length of ${length} bytes`, redact))
    )
  }
  // A length the HTTP framing enforces, of a body no one inflates: it is the size read.
  if (announced >= 0 && (encoding === undefined || encoding === "identity")) return Effect.mapBoth(response.text, { onFailure: mapError, onSuccess: answer })
  return Effect.suspend(() => {
    const parts: Array<Uint8Array> = []
    let size = 0
    return Stream.runForEach(response.stream, (chunk) => {
      size += chunk.length
      if (size > cap) return Effect.fail(tooLarge(response.status, cap, target, "is larger", redact))
      parts.push(chunk)
      return Effect.void
    }).pipe(
      // A 204 or 205 has no body at all (`fetch` gives `null`, which the platform's stream refuses
      // as `EmptyBody`): that is an empty body, not a failed read. Same one step as a `mapError`.
      Effect.catchAll((error): Effect.Effect<void, TransportError | ResponseTooLarge> =>
        error._tag === "ResponseTooLarge" ? Effect.fail(error) : error.reason === "EmptyBody" ? Effect.void : Effect.fail(mapError(error))
      ),
      Effect.map(() => {
        if (parts.length === 1) return answer(decoder.decode(parts[0]))
        const all = new Uint8Array(size)
        let offset = 0
        for (const part of parts) {
          all.set(part, offset)
          offset += part.length
        }
        return answer(decoder.decode(all))
      })
    )
  })
}

/** `fetch`'s options with redirects left to the SDK, memoised on the options it merges with. */
const manualRedirects = () => {
  // Keys set to `undefined` are keys `RequestInit` types as absent (exactOptionalPropertyTypes).
  const make = (given: globalThis.RequestInit | undefined) => ({ ...unset, ...given, redirect: "manual" }) as unknown as globalThis.RequestInit
  let last: globalThis.RequestInit | undefined
  let merged = make(undefined)
  return (context: Context.Context<never>): globalThis.RequestInit => {
    const given = Option.getOrUndefined(Context.getOption(context, FetchHttpClient.RequestInit))
    if (given !== last) {
      last = given
      merged = make(given)
    }
    return merged
  }
}

/**
 * The options `FetchHttpClient` sets on every call after spreading the `RequestInit` (it
 * overwrites them all), present from the start: spreading an object that has other keys, then
 * adding these, takes V8 about 1.4 KB and 5 µs per request (new hidden classes for every
 * object); with the keys already there, 0.14 KB and 0.6 µs, as with no options at all.
 */
const unset = { method: undefined, headers: undefined, body: undefined, duplex: undefined, signal: undefined } as const

/** The clock of a fiber that nothing replaced: its `sleep` is a `setTimeout`, which {@link within} then sets itself. */
const liveClock = Effect.runSync(Effect.clock)

/** The longest delay `setTimeout` takes; the live clock treats a longer one as never. */
const MAX_TIMER_MILLIS = 2 ** 31 - 1

/**
 * Runs `self` in a fiber of its own whose context is `context`, and fails with `limit.onTimeout()`
 * (once that fiber is interrupted) if it has not ended within `limit.millis` on the fiber's
 * `Clock`. What `Effect.timeoutFail` does, for a fraction of its CPU: that races two forked
 * fibers (the work and a sleep) and merges the winner's fiber refs back, which costs about as
 * much as the rest of a request (see `scripts/pieces.ts`); here the work is the only fiber, and
 * on the live clock the timer is a bare `setTimeout` (any other clock, such as `TestClock`, gets a
 * fiber sleeping on it). The timeout is failed with `span` as the current span, as the work's own
 * failures are. Interrupting the caller does not stop the work by itself (an interruptible wait
 * would cost a bracket per attempt): the operation, interrupted, stops what `inFlight` holds,
 * the work's fiber and the timer, and waits for the work to end.
 */
const within = <A, E>(
  self: Effect.Effect<A, E>,
  context: (parent: Context.Context<never>) => Context.Context<never>,
  limit: Limit,
  span: Tracer.AnySpan | undefined,
  inFlight: Operation.InFlight
): Effect.Effect<A, E | Timeout> =>
  Effect.withFiberRuntime((parent, status) => {
    const runtime = Runtime.make({ context: context(parent.currentContext), fiberRefs: parent.getFiberRefs(), runtimeFlags: status.runtimeFlags })
    const timedOut = (): Effect.Effect<never, Timeout> => {
      const fail = Effect.fail(limit.onTimeout())
      return span === undefined ? fail : Effect.withParentSpan(fail, span)
    }
    const clock = Context.get(parent.currentDefaultServices, Clock.Clock)
    return Effect.async<A, E | Timeout>((resume) => {
      let done = false
      let child: Fiber.RuntimeFiber<A, E> | undefined
      let cancelTimer = (): void => {}
      const finish = (outcome: Effect.Effect<A, E | Timeout>) => {
        if (done) return
        done = true
        cancelTimer()
        inFlight.stop = undefined
        resume(outcome)
      }
      const expire = () => finish(child === undefined ? timedOut() : Effect.zipRight(Fiber.interrupt(child), timedOut()))
      if (clock === liveClock) {
        if (limit.millis <= MAX_TIMER_MILLIS) {
          const handle = setTimeout(expire, limit.millis)
          cancelTimer = () => clearTimeout(handle)
        }
      } else {
        const sleeper = Runtime.runFork(runtime, clock.sleep(Duration.millis(limit.millis)))
        sleeper.addObserver((exit) => {
          if (Exit.isSuccess(exit)) expire()
        })
        cancelTimer = () => sleeper.unsafeInterruptAsFork(parent.id())
      }
      if (!done) {
        child = Runtime.runFork(runtime, self)
        child.addObserver(finish)
      }
      if (!done) {
        inFlight.stop = () =>
          Effect.suspend(() => {
            // The caller is interrupted: so is the work.
            done = true
            cancelTimer()
            return child === undefined ? Effect.void : Fiber.interrupt(child)
          })
      }
    })
  })

/**
 * The exchange through `client`, reading at most `maxBodySize` bytes of a body; the text of its
 * failures passes through `redact` (see `Auth.redactor`).
 */
export const make = (client: HttpClient.HttpClient, maxBodySize: number, redact: Redact): Exchange => {
  const init = manualRedirects()
  // The attempt's context: the caller's, with `fetch`'s options and the operation's span. One copy
  // of the caller's services, where `Effect.provideService` and `Effect.withSpan` would copy them
  // (and the fiber's refs) once each, around every call, to be undone after it.
  const contextFor = (span: Tracer.AnySpan | undefined) => (parent: Context.Context<never>): Context.Context<never> => {
    const services = new Map(parent.unsafeMap)
    services.set(FetchHttpClient.RequestInit.key, init(parent))
    if (span !== undefined) services.set(Tracer.ParentSpan.key, span)
    return Context.unsafeMake(services)
  }
  return (outgoing, base, limit, span, inFlight, then) => {
    const target: Target = { method: outgoing.method, url: outgoing.url }
    let request = HttpClientRequest.setUrl(base, outgoing.url)
    if (outgoing.method !== "GET") request = HttpClientRequest.setMethod(request, outgoing.method as "POST")
    if (outgoing.body !== undefined) request = HttpClientRequest.bodyText(request, outgoing.body, "application/json")
    const exchange = Effect.matchEffect(client.execute(request), {
      // Middleware such as `filterStatusOk` turns an answer into a failure: it is still an answer.
      onFailure: (error): Effect.Effect<Answer, TransportError | ResponseTooLarge> =>
        error._tag === "ResponseError"
          ? error.reason === "StatusCode" ? read(error.response, maxBodySize, target, redact) : Effect.fail(failed("body", error.cause ?? error, target, redact))
          : Effect.fail(failed(stageOf(error), error.cause, target, redact)),
      onSuccess: (response) => read(response, maxBodySize, target, redact)
    })
    // One continuation either way, as `flatMap`'s: the failure side marks the fiber handled.
    return within(Effect.matchCauseEffect(exchange, { onFailure: failHandled, onSuccess: then }), contextFor(span), limit, span, inFlight)
  }
}
