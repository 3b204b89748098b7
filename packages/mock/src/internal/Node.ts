/**
 * The Node request and response behind a request that came over TCP: `@hono/node-server` hands them
 * to the app as its `env`. The mock reaches for them where the Fetch API cannot do something (drop
 * the connection, send half a body) or does it at a cost (a request's headers, which Node has
 * already parsed).
 */
import type { IncomingMessage, ServerResponse } from "node:http"

/** `@hono/node-server`'s bindings. */
export interface Bindings {
  readonly incoming: IncomingMessage
  readonly outgoing: ServerResponse
}

/** The bindings in a request's `env` (Hono's `c.env`), or `undefined` in-process. */
export const bindings = (env: unknown): Bindings | undefined => {
  const node = env as Partial<Bindings> | undefined
  return node?.incoming !== undefined && node.outgoing !== undefined ? (node as Bindings) : undefined
}

/** What the mock reads of a request's headers: `Headers.get`, by lower-case name. */
export interface HeaderReader {
  readonly get: (name: string) => string | null
}

/**
 * Node's parsed headers, read as `Headers.get` reads them. Node joins repeated lines with ", ", as
 * `Headers` does, except for a few names whose repeats it drops (`authorization` among them) or
 * keeps apart (`set-cookie`): those are read from the raw lines.
 */
class NodeHeaders implements HeaderReader {
  constructor(private readonly incoming: IncomingMessage) {}

  get(name: string): string | null {
    if (!separate.has(name)) {
      const value = this.incoming.headers[name]
      return typeof value === "string" ? value : null
    }
    const raw = this.incoming.rawHeaders
    const glue = name === "cookie" ? "; " : ", "
    let value: string | null = null
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const line = raw[i]!
      if (line.length === name.length && line.toLowerCase() === name) value = value === null ? raw[i + 1]! : value + glue + raw[i + 1]!
    }
    return value
  }
}

/** The names whose repeated lines Node does not join as `Headers` does (Node's `matchKnownFields`). */
const separate: ReadonlySet<string> = new Set([
  "age", "authorization", "content-length", "content-type", "etag", "expires", "from", "host", "if-modified-since",
  "if-unmodified-since", "last-modified", "location", "max-forwards", "proxy-authorization", "referer", "retry-after",
  "server", "user-agent", "set-cookie"
])

/**
 * A request's headers to read a few of: Node's parsed headers when the request came over HTTP/1
 * (`@hono/node-server` would otherwise check each name and value again on every read), else its
 * `Headers`.
 */
export const headers = (request: Request, env: unknown): HeaderReader => {
  const incoming = bindings(env)?.incoming
  return incoming === undefined || incoming.httpVersionMajor !== 1 ? request.headers : new NodeHeaders(incoming)
}
