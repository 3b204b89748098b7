/**
 * How a response goes wrong: forced errors, delays, and the faults of `Scenario.faults`, each as a
 * client sees it over TCP (through `@hono/node-server`, whose Node socket the handler reaches in
 * `c.env`) and in-process (where a dropped connection must still fail like one).
 */
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response"
import { ErrorBody } from "@refold-effect/contract"
import type { Context } from "hono"
import * as Node from "./Node.js"
import * as Reply from "./Reply.js"

/** The error `fetch` (undici) rejects with when the connection drops. */
export const networkError = (message: string): TypeError =>
  new TypeError("fetch failed", { cause: Object.assign(new Error(message), { code: "ECONNRESET" }) })

/** An in-process response that stands for a dropped connection. */
class Dropped extends Response {}

/**
 * `true` for an in-process response that stands for a dropped connection: `MockHttpClient` rejects
 * the `fetch` in its place, as undici does.
 */
export const isDropped = (response: Response): boolean => response instanceof Dropped

/**
 * Resolves after `ms`, or as soon as `signal` aborts. A delay keeps the process alive, as an answer
 * is due: in-process no socket does, and a script awaiting `mock.fetch` would otherwise exit before
 * it (Node's code 13). `keepAlive: false` for a wait nobody should be kept for (a hang).
 */
export const sleep = (ms: number, signal?: AbortSignal, keepAlive = true): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted === true) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener("abort", done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    if (!keepAlive) timer.unref?.()
    signal?.addEventListener("abort", done, { once: true })
  })

/** Drops the connection without a response. In-process: a response `MockHttpClient` turns into a rejected `fetch`. */
export const reset = (c: Context): Response => {
  const node = Node.bindings(c.env)
  if (node !== undefined) {
    node.incoming.socket.destroy()
    return RESPONSE_ALREADY_SENT
  }
  return new Dropped(
    new ReadableStream({
      start: (controller) => controller.error(networkError("socket hang up"))
    }),
    { headers: { "content-type": Reply.contentType } }
  )
}

/**
 * `promise`, keeping the process alive until it settles. The clock's timers never do (a mock must
 * not hold a process open), so a script awaiting an answer in-process, with no socket open, would
 * otherwise exit before it (Node's code 13).
 */
export const keptAlive = <A>(promise: Promise<A>): Promise<A> => {
  const hold = setInterval(() => {}, 1 << 30)
  return promise.finally(() => clearInterval(hold))
}

/** Never answers: waits until the client goes away (or `maxMs` passes), then drops the connection. */
export const hang = async (c: Context, maxMs: number): Promise<Response> => {
  await sleep(maxMs, c.req.raw.signal, false)
  return reset(c)
}

const headersOf = (response: Response): Record<string, string> => {
  const out: Record<string, string> = {}
  response.headers.forEach((value, key) => (out[key] = value))
  return out
}

/** Sends `response`'s headers with its full `Content-Length` and half its body, then ends the connection. */
export const truncate = async (c: Context, response: Response): Promise<Response> => {
  const body = new Uint8Array(await response.arrayBuffer())
  const sent = body.subarray(0, Math.floor(body.length / 2))
  const headers = { ...headersOf(response), "content-length": String(Math.max(1, body.length)) }
  const node = Node.bindings(c.env)
  if (node !== undefined) {
    node.outgoing.writeHead(response.status, headers)
    node.outgoing.write(sent, () => node.incoming.socket.destroy())
    return RESPONSE_ALREADY_SENT
  }
  return new Response(
    new ReadableStream({
      start: (controller) => {
        controller.enqueue(sent)
        controller.error(new TypeError("terminated", { cause: networkError("other side closed").cause }))
      }
    }),
    { status: response.status, headers }
  )
}

/** `response` with a body that is not JSON: the real one minus its last character. */
export const malformed = async (response: Response): Promise<Response> => {
  const text = await response.text()
  const headers = headersOf(response)
  delete headers["content-length"]
  return new Response(text.length > 1 ? text.slice(0, -1) : "{", { status: response.status, headers })
}

/** An empty body with a JSON content type. */
export const empty = (c: Context<Reply.MockEnv>, status: number): Response => Reply.json(status, "", Reply.requestId(c))

/** The vendor's code and message for a forced error status. */
const forced: Record<number, readonly [string, string]> = {
  400: [ErrorBody.documented.missingLinkedAccount[1], ErrorBody.documented.missingLinkedAccount[2]],
  401: [ErrorBody.documented.unauthorized[1], ErrorBody.documented.unauthorized[2]],
  403: ["FORBIDDEN", "Forbidden"],
  404: [ErrorBody.documented.notFound[1], ErrorBody.documented.notFound[2]],
  429: ["RATE_LIMIT_EXCEEDED", "Too many requests"],
  500: [Reply.codes.internal, "Internal server error"],
  501: ["NOT_IMPLEMENTED", "Not implemented"],
  502: ["BAD_GATEWAY", "Bad gateway"],
  503: ["SERVICE_UNAVAILABLE", "Service unavailable"],
  504: ["GATEWAY_TIMEOUT", "Gateway timeout"]
}

/**
 * An error answered on purpose, with the vendor's body: the documented code and message where the
 * vendor documents the status (400, 401, 404), else the status's name. A 429 carries
 * `Retry-After` (seconds: `retryAfter`, default 1); another status only when `retryAfter` is given
 * (a stub's 503 with `Retry-After`).
 */
export const error = (c: Context<Reply.MockEnv>, status: number, retryAfter?: number): Response => {
  const [code, message] = forced[status] ?? [ErrorBody.httpErrorType(status), `Simulated ${status} error`]
  const seconds = retryAfter ?? (status === 429 ? 1 : undefined)
  return Reply.error(c, status, code, message, seconds === undefined ? undefined : { "retry-after": String(seconds) })
}
