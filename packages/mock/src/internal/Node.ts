/**
 * The Node request and response behind a request that came over TCP: `@hono/node-server` hands them
 * to the app as its `env`. The mock reaches for them where the Fetch API cannot do something (drop
 * the connection, send half a body) or does it at a cost (a `Headers` built from what Node has
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
