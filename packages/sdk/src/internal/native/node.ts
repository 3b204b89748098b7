/**
 * GET over Node's own `http`/`https` clients, where the runtime has them (Node.js, Bun, Deno):
 * about a third of the CPU of a `fetch` call for the same request (BENCHMARKS.md, figure 5), which
 * is most of what a `get` costs. The package's `#native` import resolves here under the `node`
 * condition and to `none.ts` everywhere else, so a browser bundle never sees `node:http`.
 *
 * Requests share the modules' global agents (keep-alive in Node.js 20), as `fetch` shares its
 * global dispatcher, so an agent the application installs (a proxy agent, say) applies. Bodies in
 * gzip, deflate or brotli are asked for and decoded, as `fetch` does.
 *
 * @internal
 */
import * as Http from "node:http"
import * as Https from "node:https"
import type { Readable, Transform } from "node:stream"
import * as Zlib from "node:zlib"
import type { Answer } from "../exchange.js"

/** How a GET ended: answered, or failed while sending (no answer) or while reading the body. */
export type Outcome =
  | { readonly _tag: "Received"; readonly received: Answer }
  | { readonly _tag: "Failed"; readonly stage: "send" | "body"; readonly cause: unknown }

/**
 * Sends a GET to `url` with `headers` and calls `done` with its {@link Outcome}. Returns a
 * function that abandons the request (closing its connection). A stream may report a late error
 * after the outcome or after abandoning: only the first call counts, and the caller
 * (`exchange.ts`) keeps it.
 */
export type Send = (url: string, headers: Readonly<Record<string, string>>, done: (outcome: Outcome) => void) => () => void

const ACCEPT_ENCODING = "gzip, deflate, br"

const decoderFor = (encoding: string | undefined): Transform | undefined => {
  switch (encoding?.trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return Zlib.createGunzip({ flush: Zlib.constants.Z_SYNC_FLUSH, finishFlush: Zlib.constants.Z_SYNC_FLUSH })
    case "deflate":
      return Zlib.createInflate({ flush: Zlib.constants.Z_SYNC_FLUSH, finishFlush: Zlib.constants.Z_SYNC_FLUSH })
    case "br":
      return Zlib.createBrotliDecompress()
    default:
      return undefined
  }
}

const headerOf = (headers: Http.IncomingHttpHeaders) => (name: string): string | undefined => {
  const value = headers[name]
  return Array.isArray(value) ? value.join(", ") : value
}

/** {@link Send} through `node:http` or `node:https`, by the URL's scheme. */
export const send: Send | undefined = (url, headers, end) => {
  let request: Http.ClientRequest
  try {
    const client = url.startsWith("https:") ? Https : Http
    request = client.get(url, { headers: { "accept-encoding": ACCEPT_ENCODING, ...headers } }, (response) => {
      const decoder = decoderFor(response.headers["content-encoding"])
      const body: Readable = decoder === undefined ? response : response.pipe(decoder)
      // A connection lost mid-body fails the response (Node: "aborted"), not the decoder.
      if (decoder !== undefined) response.on("error", (cause) => end({ _tag: "Failed", stage: "body", cause }))
      body.setEncoding("utf8")
      let text = ""
      body.on("data", (chunk: string) => {
        text += chunk
      })
      body.on("error", (cause) => end({ _tag: "Failed", stage: "body", cause }))
      body.once("end", () =>
        end({ _tag: "Received", received: { status: response.statusCode ?? 0, header: headerOf(response.headers), body: text } }))
    })
  } catch (cause) {
    // An URL or header that Node refuses before sending anything.
    end({ _tag: "Failed", stage: "send", cause })
    return () => {}
  }
  request.on("error", (cause) => end({ _tag: "Failed", stage: "send", cause }))
  return () => request.destroy()
}
