/**
 * A scripted HTTP server for the failures the mock cannot produce yet: each request takes the next
 * scripted behaviour (or the fallback), over real TCP on 127.0.0.1 with node:http. It records every
 * request so tests can count them and inspect their headers.
 */
import * as Http from "node:http"
import type { AddressInfo, Socket } from "node:net"
import * as Zlib from "node:zlib"
import { Effect, type Scope } from "effect"

/** What the server does with one request. */
export type Behaviour =
  | { readonly _tag: "Respond"; readonly status: number; readonly body: string; readonly headers: Record<string, string> }
  | { readonly _tag: "Hang" }
  | { readonly _tag: "Reset" }
  | { readonly _tag: "Truncate"; readonly body: string }
  | { readonly _tag: "Encoded"; readonly encoding: Encoding; readonly body: string }
  | { readonly _tag: "Endless"; readonly announce: number | undefined }
  | { readonly _tag: "Bomb"; readonly inflated: number }
  | { readonly _tag: "Echo"; readonly status: number; readonly contentType: string; readonly render: (headers: Http.IncomingHttpHeaders) => string }

/** A `content-encoding` the server can compress with. */
export type Encoding = "gzip" | "deflate" | "br"

/** A JSON answer. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Behaviour => ({
  _tag: "Respond",
  status,
  body: JSON.stringify(body),
  headers: { "content-type": "application/json", ...headers }
})

/** Statuses whose answers have no body. */
const noBody = (status: number) => status === 204 || status === 205

/** A non-JSON answer, such as a gateway's HTML page. */
export const text = (status: number, body: string, contentType = "text/plain", headers: Record<string, string> = {}): Behaviour => ({
  _tag: "Respond",
  status,
  body,
  headers: { "content-type": contentType, ...headers }
})

/** Never answers (the socket stays open until the client gives up or the server closes). */
export const hang: Behaviour = { _tag: "Hang" }

/** Destroys the connection without answering. */
export const reset: Behaviour = { _tag: "Reset" }

/** Answers 200 announcing a longer body than it sends, sends part of `body`, then closes. */
export const truncate = (body: string): Behaviour => ({ _tag: "Truncate", body })

/** A 200 JSON answer compressed with `encoding` (whatever the request's `accept-encoding`). */
export const encoded = (encoding: Encoding, body: unknown): Behaviour => ({ _tag: "Encoded", encoding, body: JSON.stringify(body) })

/**
 * A 200 that never ends: JSON-looking bytes, 64 KiB at a time, as fast as the client reads them.
 * With `announce`, the answer claims that `content-length` (and sends until the client leaves).
 */
export const endless = (announce?: number): Behaviour => ({ _tag: "Endless", announce })

/** A 200 gzip body of zeros that inflates to `inflated` bytes (about a thousandth of it on the wire). */
export const bomb = (inflated: number): Behaviour => ({ _tag: "Bomb", inflated })

/** A redirect to `location`. */
export const redirect = (status: number, location: string): Behaviour => ({
  _tag: "Respond",
  status,
  body: "",
  headers: { location }
})

/**
 * An answer built from the request's headers: a server (or a gateway) that reflects what it was
 * sent, such as the credentials, in its body.
 */
export const echo = (status: number, render: (headers: Http.IncomingHttpHeaders) => string, contentType = "application/json"): Behaviour => ({
  _tag: "Echo",
  status,
  contentType,
  render
})

const bombs = new Map<number, Buffer>()
const bombOf = (inflated: number): Buffer => {
  let bytes = bombs.get(inflated)
  if (bytes === undefined) {
    bytes = Zlib.gzipSync(Buffer.alloc(inflated, 0x20), { level: 9 })
    bombs.set(inflated, bytes)
  }
  return bytes
}

const compress = (encoding: Encoding, body: string): Buffer =>
  encoding === "gzip" ? Zlib.gzipSync(body) : encoding === "deflate" ? Zlib.deflateSync(body) : Zlib.brotliCompressSync(body)

/** One recorded request. */
export interface Recorded {
  readonly method: string
  readonly url: string
  readonly headers: Http.IncomingHttpHeaders
}

/** The running server. */
export interface FaultServer {
  readonly url: string
  readonly requests: ReadonlyArray<Recorded>
  /** Requests received so far. */
  readonly count: () => number
  /** Queues behaviours for the next requests, in order. */
  readonly script: (...behaviours: ReadonlyArray<Behaviour>) => void
  /** The behaviour once the script is used up. */
  readonly fallback: (behaviour: Behaviour) => void
  /** Requests whose client went away before the answer was complete. */
  readonly abandoned: () => number
  /** Resolves when `n` requests have arrived. */
  readonly waitFor: (n: number) => Promise<void>
  /**
   * The number of abandoned requests once it reaches `n`, or after `within` ms (default 5 s) if it
   * never does: the server learns of a closed socket a moment after the client closes it.
   */
  readonly abandonedAtLeast: (n: number, within?: number) => Promise<number>
}

const act = (behaviour: Behaviour, req: Http.IncomingMessage, res: Http.ServerResponse, socket: Socket) => {
  switch (behaviour._tag) {
    case "Echo": {
      const body = behaviour.render(req.headers)
      res.writeHead(behaviour.status, { "content-type": behaviour.contentType, "content-length": String(Buffer.byteLength(body)) })
      res.end(body)
      return
    }
    case "Respond":
      // A 204 or 205 carries no content-length (RFC 9110 forbids it on a 204), as real servers send it.
      res.writeHead(behaviour.status, noBody(behaviour.status) ? behaviour.headers : { ...behaviour.headers, "content-length": String(Buffer.byteLength(behaviour.body)) })
      res.end(behaviour.body)
      return
    case "Hang":
      return
    case "Reset":
      socket.destroy()
      return
    case "Truncate": {
      const bytes = Buffer.from(behaviour.body)
      res.writeHead(200, { "content-type": "application/json", "content-length": String(bytes.length * 2) })
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => socket.end())
      return
    }
    case "Encoded": {
      const bytes = compress(behaviour.encoding, behaviour.body)
      res.writeHead(200, { "content-type": "application/json", "content-encoding": behaviour.encoding, "content-length": String(bytes.length) })
      res.end(bytes)
      return
    }
    case "Endless": {
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      res.writeHead(200, {
        "content-type": "application/json",
        ...(behaviour.announce === undefined ? {} : { "content-length": String(behaviour.announce) })
      })
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) {
          // Keep writing until the socket pushes back.
        }
      }
      res.on("drain", pump)
      pump()
      return
    }
    case "Bomb": {
      const bytes = bombOf(behaviour.inflated)
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": String(bytes.length) })
      res.end(bytes)
      return
    }
  }
}

/** Starts a fault server for the scope; closing the scope closes every connection. */
export const make = (fallback: Behaviour = text(500, "no behaviour scripted")): Effect.Effect<FaultServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ server: Http.Server; fault: FaultServer }>((resume) => {
      const queue: Array<Behaviour> = []
      const requests: Array<Recorded> = []
      const waiters: Array<{ n: number; resolve: () => void }> = []
      let otherwise = fallback
      let abandoned = 0
      const server = Http.createServer((req, res) => {
        requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers })
        for (const w of waiters.filter((w) => requests.length >= w.n)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve()
        }
        res.on("close", () => {
          if (!res.writableFinished) abandoned++
        })
        // Drain the (empty) request body so the connection can be reused.
        req.resume()
        act(queue.shift() ?? otherwise, req, res, req.socket)
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(
          Effect.succeed({
            server,
            fault: {
              url: `http://127.0.0.1:${port}`,
              requests,
              count: () => requests.length,
              abandoned: () => abandoned,
              abandonedAtLeast: async (n, within = 5_000) => {
                for (const until = Date.now() + within; abandoned < n && Date.now() < until;) {
                  await new Promise((r) => setTimeout(r, 10))
                }
                return abandoned
              },
              script: (...behaviours) => {
                queue.push(...behaviours)
              },
              fallback: (behaviour) => {
                otherwise = behaviour
              },
              waitFor: (n) =>
                requests.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))
            }
          })
        )
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ fault }) => fault))
