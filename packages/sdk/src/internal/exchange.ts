/**
 * One HTTP exchange: a GET and its whole body, within a time limit. Three ways to make it:
 *
 * - {@link viaNative}, the default where the runtime has `node:http` (Node.js, Bun, Deno): Node's
 *   own client, about a third of the CPU of a `fetch` call (BENCHMARKS.md, figure 5).
 * - {@link viaFetch}, the default elsewhere, and wherever the application gives a `fetch`
 *   (`FetchHttpClient.Fetch`): `fetch` itself, with one `AbortController` per request.
 * - {@link viaClient}: any `HttpClient` the application provides (its middleware, proxy, the
 *   platform's `http.client` span and trace propagation, or the mock's in-process client).
 *
 * The first two are lean on purpose: measured in BENCHMARKS.md, an `@effect/platform`
 * `HttpClient` call costs about twice a bare `fetch` in CPU, and `Effect.timeoutFail`'s racing
 * fibers almost as much again, while a `get` has little else to do. All three fail with the same
 * {@link TransportError} messages and {@link Timeout}s, so the rest of the SDK cannot tell them
 * apart.
 *
 * @internal
 */
import { type HttpClient, type HttpClientError, HttpClientRequest } from "@effect/platform"
import { Clock, Effect } from "effect"
import { type Timeout, TransportError } from "../RefoldError.js"
import type * as Native from "./native/node.js"

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

/** How long one exchange may take, and how it fails when that time has passed. */
export interface Limit {
  readonly millis: number
  readonly onTimeout: () => Timeout
}

/** Sends a GET to `target.url` and reads the whole body within `limit`. */
export type Exchange = (target: Target, limit: Limit) => Effect.Effect<Answer, TransportError | Timeout>

/** Why an exchange failed before an answer was read. */
type Stage = "send" | "body" | { readonly unbuilt: string }

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

const failed = (stage: Stage, cause: unknown, target: Target): TransportError => {
  const why = describeCause(cause)
  const what = stage === "body"
    ? "The response body could not be read"
    : stage === "send"
    ? `The request to ${new URL(target.url).origin} failed`
    : `The request could not be built (${stage.unbuilt})`
  return new TransportError({ message: why === "" ? what : `${what}: ${why}`, ...target })
}

/** The class of Effect's live clock, whose `sleep` is a plain `setTimeout`. */
const LiveClock = Clock.make().constructor

/**
 * Starts a request whose outcome arrives through a callback, and returns the function that
 * abandons it; `end` takes the first outcome only.
 */
type Start = (target: Target, end: (outcome: Effect.Effect<Answer, TransportError>) => void) => () => void

/**
 * An exchange from a callback-style request. Under the live clock the time limit is a
 * `setTimeout` that abandons the request (what `Clock.sleep` itself would schedule); under any
 * other clock, such as `TestClock`, it is `Effect.timeoutFail`, so that tests control it.
 */
const fromCallback = (start: Start): Exchange => (target, limit) =>
  Effect.clockWith((clock) => {
    const timed = clock instanceof LiveClock
    const exchange = Effect.async<Answer, TransportError | Timeout>((resume) => {
      let over = false
      const end = (outcome: Effect.Effect<Answer, TransportError | Timeout>) => {
        if (over) return
        over = true
        clearTimeout(timer)
        resume(outcome)
      }
      const timer = timed
        ? setTimeout(() => {
          end(Effect.fail(limit.onTimeout()))
          abandon()
        }, limit.millis)
        : undefined
      const abandon = start(target, end)
      return Effect.sync(() => {
        over = true
        clearTimeout(timer)
        abandon()
      })
    })
    return timed ? exchange : Effect.timeoutFail(exchange, { duration: limit.millis, onTimeout: limit.onTimeout })
  })

/** The exchange through `fetch` with fixed request headers, one `AbortController` per request. */
export const viaFetch = (fetch: typeof globalThis.fetch, headers: Readonly<Record<string, string>>): Exchange =>
  fromCallback((target, end) => {
    const controller = new AbortController()
    const read = (response: Response) =>
      response.text().then(
        (body) => end(Effect.succeed({ status: response.status, header: (name) => response.headers.get(name) ?? undefined, body })),
        (cause) => end(Effect.fail(failed("body", cause, target)))
      )
    try {
      fetch(target.url, { headers, signal: controller.signal }).then(read, (cause) => end(Effect.fail(failed("send", cause, target))))
    } catch (cause) {
      end(Effect.fail(failed("send", cause, target)))
    }
    return () => controller.abort()
  })

/** The exchange through the runtime's native HTTP client (`native/node.ts`), with fixed request headers. */
export const viaNative = (send: Native.Send, headers: Readonly<Record<string, string>>): Exchange =>
  fromCallback((target, end) =>
    send(target.url, headers, (outcome) =>
      end(outcome._tag === "Received" ? Effect.succeed(outcome.received) : Effect.fail(failed(outcome.stage, outcome.cause, target)))
    )
  )

const stageOf = (error: HttpClientError.HttpClientError): Stage =>
  error._tag === "ResponseError" ? "body" : error.reason === "Transport" ? "send" : { unbuilt: error.reason }

/** The exchange through an `HttpClient`, sending `template`'s headers. */
export const viaClient = (client: HttpClient.HttpClient, template: HttpClientRequest.HttpClientRequest): Exchange => (target, limit) =>
  client.execute(HttpClientRequest.setUrl(template, target.url)).pipe(
    Effect.flatMap((response) =>
      Effect.map(response.text, (body): Answer => ({ status: response.status, header: (name) => response.headers[name], body }))
    ),
    Effect.mapError((error) => failed(stageOf(error), error.cause, target)),
    Effect.timeoutFail({ duration: limit.millis, onTimeout: limit.onTimeout })
  )
