/**
 * The mock over real TCP, on `@hono/node-server`. Requests that never reach the app (a malformed
 * request line, oversized headers, an invalid or missing `Host`, `CONNECT`, an `Upgrade`, an
 * `Expect` other than `100-continue`) still
 * get the vendor's error body. While many
 * connections open at once, the event loop's turns are shared out (`internal/FairTurns.ts`) so that
 * every connection is accepted within seconds, not after a load tester's timeout.
 *
 * @since 0.1.0
 */
import { getRequestListener, RequestError } from "@hono/node-server"
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http"
import type { Socket } from "node:net"
import type { Duplex } from "node:stream"
import { ErrorBody } from "@refold-effect/contract"
import { fairTurns } from "./internal/FairTurns.js"
import * as Options from "./internal/Options.js"
import { shown } from "./internal/Shown.js"
import * as Reply from "./internal/Reply.js"
import { handler, type MockApp } from "./MockApp.js"

/** Where to listen. */
export interface ServeOptions {
  /** TCP port; `0` picks a free one. Default 4010, as `pnpm start`. */
  readonly port?: number | undefined
  /** Interface to bind. Default `127.0.0.1`. */
  readonly host?: string | undefined
}

/** A running mock server. */
export interface MockServer {
  /** The base URL, such as `http://127.0.0.1:4010`. */
  readonly url: string
  /** The port actually bound (useful with port 0). */
  readonly port: number
  /** Stops accepting connections and resolves once every connection is closed; calling it again gives the same promise. */
  readonly close: () => Promise<void>
}

/**
 * One check per option of `serve`: a port Node would take as the path of a pipe (`"abc"`), or a
 * misspelt name (`prot`) that would leave the mock on 4010, is refused before anything listens.
 */
const serveChecks: { readonly [K in keyof ServeOptions]-?: Options.Check } = {
  port: (value) =>
    typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 65535
      ? undefined
      : `Invalid port: expected an integer from 0 to 65535 (0 picks a free one), got ${shown(value)}`,
  host: (value) =>
    typeof value === "string" && value.trim() !== "" ? undefined : `Invalid host: expected an interface's name or address such as "127.0.0.1" or "::", got ${shown(value)}`
}

/** How long `close` lets in-flight requests finish before it drops their connections. */
const CLOSE_GRACE_MS = 1000

/** A raw HTTP/1.1 error response, for requests Node's parser rejects before any handler runs. */
const rawError = (status: number, message: string, code: string = Reply.codes.badRequest, headers: ReadonlyArray<string> = []): string => {
  const id = Reply.newRequestId()
  const body = JSON.stringify(ErrorBody.make(status, code, message, id))
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Bad Request"}`,
    `content-type: ${Reply.contentType}`,
    `content-length: ${Buffer.byteLength(body)}`,
    `x-request-id: ${id}`,
    ...headers,
    "connection: close",
    "",
    body
  ].join("\r\n")
}

const onClientError = (error: Error & { code?: string }, socket: Socket) => {
  if (error.code === "ECONNRESET" || !socket.writable) return socket.destroy()
  if (error.code === "HPE_HEADER_OVERFLOW") return socket.end(rawError(431, "Request header fields too large"))
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") return socket.end(rawError(408, "Request timeout"))
  socket.end(rawError(400, "Malformed HTTP request"))
}

/**
 * `CONNECT` (a proxy's tunnel) and protocol upgrades (WebSocket) are not the API's: Node hands them
 * to these events instead of the app, and without a listener drops the connection unanswered.
 */
const refuseTunnel = (request: IncomingMessage, socket: Duplex) => {
  const what = request.method === "CONNECT" ? "CONNECT" : `Upgrade to ${JSON.stringify((request.headers.upgrade ?? "").slice(0, 40))}`
  socket.end(rawError(405, `${what} is not supported: the mock answers plain HTTP requests only`, Reply.codes.methodNotAllowed, ["allow: GET, HEAD"]))
}

/** An `Expect` other than `100-continue`, which Node would answer with a bare 417 of its own. */
const refuseExpectation = (request: IncomingMessage, response: ServerResponse) => {
  const id = Reply.newRequestId()
  const message = `Expectation ${JSON.stringify((request.headers.expect ?? "").slice(0, 40))} is not supported; only 100-continue is`
  const body = JSON.stringify(ErrorBody.make(417, Reply.codes.badRequest, message, id))
  response.writeHead(417, { "content-type": Reply.contentType, "content-length": Buffer.byteLength(body), "x-request-id": id, connection: "close" })
  response.end(body)
}

const hostForUrl = (host: string) => (host.includes(":") ? `[${host}]` : host)

/**
 * Serves a mock app over TCP. Resolves once listening; rejects with a message naming the address
 * when it cannot bind (port in use, no such interface), with an `InvalidOption` naming the option
 * for one that could never work (see `serveChecks`), and with a `TypeError` when `mock` is not a
 * mock app. Nothing listens then.
 */
export const serve = (mock: MockApp, options: ServeOptions = {}): Promise<MockServer> => {
  if (typeof (mock as Partial<MockApp> | null)?.handle !== "function") {
    return Promise.reject(new TypeError(`Invalid mock: expected a mock app from createMockApp(...), got ${shown(mock)}`))
  }
  const why = Options.invalid(options, serveChecks)
  if (why !== undefined) return Promise.reject(new Options.InvalidOption(why))
  const host = options.host ?? "127.0.0.1"
  const port = options.port ?? 4010
  const listener = getRequestListener(handler(mock), {
    // Only requests that cannot become a `Request` get here: the handler never throws nor rejects.
    errorHandler: (error) =>
      error instanceof RequestError
        ? Reply.errorResponse(400, Reply.codes.badRequest, `Invalid request: ${error.message}`, undefined, { connection: "close" })
        : Reply.errorResponse(500, Reply.codes.internal, "Internal server error")
  })
  // Without a Host, Node would answer its own bare 400; the listener's RequestError answers the vendor's.
  const server = createServer({ requireHostHeader: false })
  server.on("request", fairTurns(server, listener))
  server.on("clientError", onClientError)
  server.on("connect", refuseTunnel)
  server.on("upgrade", refuseTunnel)
  server.on("checkExpectation", refuseExpectation)

  return new Promise((resolve, reject) => {
    server.once("error", (error: Error & { code?: string }) =>
      reject(new Error(`Cannot listen on ${hostForUrl(host)}:${port}: ${error.code === "EADDRINUSE" ? "the port is already in use" : error.message}`, { cause: error }))
    )
    server.listen(port, host, () => {
      const address = server.address()
      const bound = typeof address === "object" && address !== null ? address.port : port
      // One closing, however often `close` is called (a test's `finally` and its `afterAll`): a
      // second `server.close` would fail with ERR_SERVER_NOT_RUNNING.
      let closing: Promise<void> | undefined
      const close = () =>
        (closing ??= new Promise<void>((done, fail) => {
          const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS)
          server.close((error) => {
            clearTimeout(force)
            return error === undefined ? done() : fail(error)
          })
          server.closeIdleConnections()
        }))
      resolve({ url: `http://${hostForUrl(host)}:${bound}`, port: bound, close })
    })
  })
}
