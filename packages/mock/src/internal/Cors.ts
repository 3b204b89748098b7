/**
 * CORS, so that a browser app on another origin (a Vite dev server, Storybook) can call the mock and
 * fetch `/openapi.json`, while a page on another origin cannot change the mock through the admin API.
 *
 * - A request without `Origin` (curl, the SDK, a test) goes straight to the app: nothing is added
 *   to the hot path but reading one header.
 * - A preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin is answered
 *   204 with the methods and headers of the API, both derived from the contract's OpenAPI document
 *   (its operations' methods, header parameters and security schemes), plus `Prefer` (scenarios).
 * - Any other request from an allowed origin gets `Access-Control-Allow-Origin`, with
 *   `x-request-id` and `Retry-After` exposed.
 * - The admin API answers other origins only when they are listed explicitly (never through `"*"`),
 *   and refuses their writes (any method but GET, HEAD and OPTIONS) with 403
 *   `CROSS_ORIGIN_ADMIN_REQUEST`: a `text/plain` POST from any web page would otherwise change the
 *   faults, since such a request needs no preflight. Same-origin writes (the mock's own `/docs`) pass.
 *
 * Written by hand rather than with `hono/cors`: that middleware runs in Hono's promise chain and has
 * Hono copy every response, which would cost plain requests their synchronous answer and turn the
 * wire faults' responses (a dropped connection, a body already written) into ordinary ones.
 */
import { OpenApi } from "@refold-effect/contract"
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response"
import { getPath } from "hono/utils/url"
import * as Admin from "../Admin.js"
import * as Node from "./Node.js"
import * as Reply from "./Reply.js"
import { shown } from "./Shown.js"
import * as Wire from "./Wire.js"

/** Which origins may call the mock: any (`"*"`), those listed, or none (`false`: no CORS headers at all). */
export type Policy = "*" | ReadonlyArray<string> | false

/**
 * Whether `value` is an origin as a browser sends it in `Origin` (scheme, host and port only, such
 * as `http://localhost:5173`): what the `cors` option lists, and the command line's `--cors`.
 */
export const isOrigin = (value: string): boolean => {
  try {
    return new URL(value).origin === value
  } catch {
    return false
  }
}

/**
 * Why `policy` is no policy, or `undefined`: `"*"`, `false`, or a list of origins a browser sends
 * (the message names the first that is not one: a path, no scheme, `*` in a list).
 */
export const invalidPolicy = (policy: unknown): string | undefined => {
  if (policy === "*" || policy === false) return undefined
  if (!Array.isArray(policy)) return `Invalid cors: expected "*", false or a list of origins such as ["http://localhost:5173"], got ${shown(policy)}`
  const bad = policy.find((origin) => typeof origin !== "string" || !isOrigin(origin))
  return bad === undefined ? undefined : `Invalid cors origin ${shown(bad)}: expected an origin (scheme, host and port only) such as http://localhost:5173`
}

/** How a server answers a request: Hono's `fetch` signature. */
type Handler = (request: Request, env?: unknown) => Response | Promise<Response>

/** The error code of a cross-origin write to the admin API. */
export const CROSS_ORIGIN_ADMIN_REQUEST = "CROSS_ORIGIN_ADMIN_REQUEST"

/** The API's methods and request headers, read from the contract's OpenAPI document. */
const fromContract = () => {
  const document = OpenApi.document()
  const methods = new Set(["HEAD"])
  const headers = new Set(["prefer", "content-type"])
  for (const operations of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(operations as Record<string, { parameters?: ReadonlyArray<{ in: string; name: string }> }>)) {
      methods.add(method.toUpperCase())
      for (const parameter of operation.parameters ?? []) if (parameter.in === "header") headers.add(parameter.name.toLowerCase())
    }
  }
  for (const scheme of Object.values(document.components.securitySchemes ?? {}) as ReadonlyArray<{ type: string; in?: string; name?: string }>) {
    if (scheme.type === "apiKey" && scheme.in === "header" && scheme.name !== undefined) headers.add(scheme.name.toLowerCase())
    if (scheme.type === "http") headers.add("authorization")
  }
  return { methods: [...methods].join(","), headers: [...headers].join(",") }
}

const EXPOSED = "x-request-id,retry-after"
const MAX_AGE = "600"
const isRead = (method: string) => method === "GET" || method === "HEAD" || method === "OPTIONS"

/** The app's handler with CORS in front of it, per the policy; `adminMethods`: the admin routes' methods, from the app's route table. */
export const wrap = (policy: Policy, inner: Handler, adminMethods: string): Handler => {
  if (policy === false) return inner
  const api = fromContract()
  const admin = { methods: adminMethods, headers: "authorization,content-type" }
  const listed = new Set(policy === "*" ? [] : policy)

  /** The `Access-Control-Allow-Origin` for a request from `origin`, or `undefined` when not allowed. */
  const allowed = (origin: string, isAdmin: boolean): string | undefined =>
    listed.has(origin) ? origin : policy === "*" && !isAdmin ? "*" : undefined

  const withHeaders = (response: Response, allow: string): Response => {
    if (response === RESPONSE_ALREADY_SENT || Wire.isDropped(response)) return response
    response.headers.set("access-control-allow-origin", allow)
    response.headers.set("access-control-expose-headers", EXPOSED)
    if (allow !== "*") response.headers.append("vary", "Origin")
    return response
  }

  return (request, env) => {
    const origin = Node.headers(request, env).get("origin")
    if (origin === null) return inner(request, env)
    const isAdmin = getPath(request).startsWith(Admin.prefix)
    const allow = allowed(origin, isAdmin)
    const method = request.method
    if (method === "OPTIONS" && request.headers.get("access-control-request-method") !== null) {
      const headers: Record<string, string> = { "x-request-id": Reply.newRequestId(), vary: "Origin" }
      if (allow !== undefined) {
        const lists = isAdmin ? admin : api
        Object.assign(headers, {
          "access-control-allow-origin": allow,
          "access-control-allow-methods": lists.methods,
          "access-control-allow-headers": lists.headers,
          "access-control-max-age": MAX_AGE
        })
      }
      return new Response(null, { status: 204, headers })
    }
    if (isAdmin && !isRead(method) && !listed.has(origin) && origin !== new URL(request.url).origin) {
      return Reply.errorResponse(
        403,
        CROSS_ORIGIN_ADMIN_REQUEST,
        `Cross-origin ${method} to the admin API refused: origin ${JSON.stringify(origin.slice(0, 200))} is not listed in the mock's cors option (--cors)`
      )
    }
    if (allow === undefined) return inner(request, env)
    const response = inner(request, env)
    return response instanceof Promise ? response.then((r) => withHeaders(r, allow)) : withHeaders(response, allow)
  }
}
