/**
 * The mock of the Refold execution API: one Hono app over an indexed data set, to run over TCP
 * (`serve`), in-process (`fetch`, no socket) or behind an Effect `HttpClient` (`MockHttpClient`).
 *
 * @since 0.1.0
 */
import { RefoldApi } from "@refold-effect/contract"
import { DataSet, type Fixture } from "@refold-effect/fixtures"
import { Hono } from "hono"
import * as ExecutionStore from "./ExecutionStore.js"
import * as Auth from "./internal/Auth.js"
import * as Executions from "./internal/Executions.js"
import * as Reply from "./internal/Reply.js"
import * as SessionTokens from "./SessionTokens.js"

export type { MockEnv } from "./internal/Reply.js"

/** How to build a mock app. Every field is optional. */
export interface MockOptions {
  /** The data set to serve; default: the bundled fixtures (`DataSet.bundled()`). */
  readonly data?: Fixture.DataSet | undefined
  /**
   * The `x-api-key` values accepted; default: the data set's `api_keys`, else any non-empty key.
   * An empty list accepts no key (session tokens only).
   */
  readonly apiKeys?: ReadonlyArray<string> | undefined
  /**
   * Called with any error thrown while answering (the request then gets a 500 with the vendor's
   * body). Never given headers, so no credential reaches it. Default: one line on stderr.
   */
  readonly onError?: ((error: unknown, request: RequestInfo) => void) | undefined
}

/** What {@link MockOptions.onError} learns about the failed request (never its headers). */
export interface RequestInfo {
  readonly method: string
  readonly path: string
  readonly requestId: string
}

/** A mock app: the Hono app and the ways to reach and drive it. */
export interface MockApp {
  /** The Hono app, to mount or serve as you like. */
  readonly app: Hono<Reply.MockEnv>
  /** Answers a request in-process (no socket). Never rejects: an internal failure is a vendor-style 500. */
  readonly fetch: (request: Request) => Promise<Response>
  /**
   * A new session token that authenticates as the account, for `Authorization: Bearer`. Throws
   * when the data set does not define the account.
   */
  readonly mintSessionToken: (linkedAccountId: string) => string
  /** The indexed data the app serves. */
  readonly store: ExecutionStore.ExecutionStore
}

/** The paths of the API's routes, to tell a wrong method (405) from an unknown route (404). */
const knownPath = /^\/api\/v2\/public\/execution(?:\/[^/]+)?\/?$/

const defaultOnError = (error: unknown, request: RequestInfo) => {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error)
  console.error(`refold mock: internal error answering ${request.method} ${request.path} (request_id ${request.requestId}): ${detail}`)
}

const pathOf = (url: string) => {
  const start = url.indexOf("/", url.indexOf("//") + 2)
  const query = url.indexOf("?", start)
  return start === -1 ? "/" : url.slice(start, query === -1 ? undefined : query)
}

/** Builds a mock app over a data set. Throws when the data set cannot be indexed (duplicate ids). */
export const createMockApp = (options: MockOptions = {}): MockApp => {
  const data = options.data ?? DataSet.bundled()
  const store = ExecutionStore.make(data)
  const sessions = SessionTokens.make(store)
  const keys = options.apiKeys ?? data.apiKeys
  const onError = options.onError ?? defaultOnError
  const auth = Auth.middleware({ apiKeys: keys === undefined ? undefined : new Set(keys), sessions })

  const app = new Hono<Reply.MockEnv>({ strict: false })
  app.get(RefoldApi.listPath, auth, Executions.list(store))
  app.get(RefoldApi.getPath, auth, Executions.get(store))
  app.notFound((c) => {
    const path = pathOf(c.req.url)
    return knownPath.test(path)
      ? Reply.error(c, 405, Reply.codes.methodNotAllowed, `Method ${c.req.method} is not allowed on ${path}; use GET`, { allow: "GET, HEAD" })
      : Reply.error(c, 404, Reply.codes.routeNotFound, `Route ${c.req.method} ${path.length > 200 ? `${path.slice(0, 200)}…` : path} not found`)
  })
  app.onError((error, c) => {
    const requestId = Reply.requestId(c)
    onError(error, { method: c.req.method, path: pathOf(c.req.url), requestId })
    return Reply.error(c, 500, Reply.codes.internal, "Internal server error")
  })

  /** Last line of defence: Hono rethrows what is not an `Error`. */
  const crashed = (request: Request) => (error: unknown) => {
    const requestId = Reply.newRequestId()
    onError(error, { method: request.method, path: pathOf(request.url), requestId })
    return Reply.errorResponse(500, Reply.codes.internal, "Internal server error", requestId)
  }
  const fetch = (request: Request): Promise<Response> => {
    try {
      return Promise.resolve(app.fetch(request)).catch(crashed(request))
    } catch (error) {
      return Promise.resolve(crashed(request)(error))
    }
  }

  return { app, fetch, mintSessionToken: sessions.mint, store }
}
