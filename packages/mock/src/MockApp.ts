/**
 * The mock of the Refold execution API: one Hono app over an indexed data set, to run over TCP
 * (`serve`), in-process (`fetch`, no socket) or behind an Effect `HttpClient` (`MockHttpClient`).
 *
 * @since 0.1.0
 */
import { RefoldApi } from "@refold-effect/contract"
import { DataSet, type Fixture } from "@refold-effect/fixtures"
import { Either } from "effect"
import { Hono } from "hono"
import { getPath } from "hono/utils/url"
import * as Admin from "./Admin.js"
import * as Docs from "./Docs.js"
import * as ExecutionStore from "./ExecutionStore.js"
import * as Faults from "./Faults.js"
import * as Auth from "./internal/Auth.js"
import * as Chaos from "./internal/Chaos.js"
import * as Cors from "./internal/Cors.js"
import * as Executions from "./internal/Executions.js"
import * as Node from "./internal/Node.js"
import * as Pipeline from "./internal/Pipeline.js"
import * as Reply from "./internal/Reply.js"
import * as Routes from "./internal/Routes.js"
import * as Scenarios from "./internal/Scenarios.js"
import * as Journal from "./Journal.js"
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
  /** Global faults from the start (see `Faults`); default none. Throws at creation when invalid. */
  readonly faults?: Faults.Faults | undefined
  /** When set, the admin API (`/__admin`, but `health`) wants `Authorization: Bearer <adminToken>`. */
  readonly adminToken?: string | undefined
  /** How many requests the journal keeps (default 1000); `0` turns journaling off. */
  readonly journal?: number | undefined
  /**
   * Which browser origins may call the mock (CORS): `"*"` (the default: any, since the mock holds
   * no real data), a list of origins such as `["http://localhost:5173"]`, or `false` for no CORS
   * at all. Cross-origin writes to the admin API are refused unless their origin is listed.
   */
  readonly cors?: Cors.Policy | undefined
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
  /**
   * Answers a request in-process (no socket). Never rejects: an internal failure is a vendor-style
   * 500. `env` carries `@hono/node-server`'s Node request and response when serving over TCP (the
   * app receives them in an `env` of its own, with the request's id).
   */
  readonly fetch: (request: Request, env?: unknown) => Promise<Response>
  /**
   * A new session token that authenticates as the account, for `Authorization: Bearer`, valid for
   * `SessionTokens.TTL_SECONDS` or until `reset`. Throws when the data set does not define the account.
   */
  readonly mintSessionToken: (linkedAccountId: string) => string
  /** The indexed data the app serves. */
  readonly store: ExecutionStore.ExecutionStore
  /** The requests the app received (not those to `/__admin`), newest first. */
  readonly journal: Journal.Journal
  /** The global faults in force. */
  readonly faults: () => Faults.Faults
  /** Replaces the global faults. Throws an `Error` naming the field when they are invalid. */
  readonly setFaults: (faults: Faults.Faults) => void
  /** Back to the start: empty journal, the initial faults, no arrived executions, no minted session tokens. */
  readonly reset: () => void
}

const validFaults = (faults: unknown): Faults.Faults =>
  Either.getOrThrowWith(Faults.decode(faults), (message) => new Error(message))

/** The API's route templates, to tell a wrong method (405) from an unknown route (404). */
const apiTemplates = [RefoldApi.listPath, RefoldApi.getPath]

const defaultOnError = (error: unknown, request: RequestInfo) => {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error)
  console.error(`refold mock: internal error answering ${request.method} ${request.path} (request_id ${request.requestId}): ${detail}`)
}

const pathOf = (url: string) => {
  const start = url.indexOf("/", url.indexOf("//") + 2)
  const query = url.indexOf("?", start)
  return start === -1 ? "/" : url.slice(start, query === -1 ? undefined : query)
}

/**
 * Whether Hono routes the request to the admin API. Its path as sent, unless it holds a
 * percent-escape, which Hono decodes before routing.
 */
const isAdmin = (request: Request): boolean => {
  const url = request.url
  const start = url.indexOf("/", url.indexOf(":") + 4)
  return url.startsWith(Admin.prefix, start) || (url.indexOf("%", start) !== -1 && getPath(request).startsWith(Admin.prefix))
}

/** How a server answers a request: Hono's `fetch` signature. */
export type Handler = (request: Request, env?: unknown) => Response | Promise<Response>

/** The synchronous-first handler behind each app's own `fetch`. */
const handles = new WeakMap<MockApp["fetch"], Handler>()

/**
 * What `serve` answers each request with, to run a mock app on a server of your own: its `fetch`,
 * but returning the `Response` itself when the app answered at once, so that the server can write it
 * in the same tick (`@hono/node-server` awaits a promise and watches the socket). Never throws nor
 * rejects. A `fetch` replaced by your own (`{ ...mock, fetch }`) is used as it is.
 */
export const handler = (mock: MockApp): Handler => handles.get(mock.fetch) ?? mock.fetch

/** Builds a mock app over a data set. Throws when the data set cannot be indexed (duplicate ids). */
export const createMockApp = (options: MockOptions = {}): MockApp => {
  const data = options.data ?? DataSet.bundled()
  const store = ExecutionStore.make(data)
  const sessions = SessionTokens.make(store)
  const keys = options.apiKeys ?? data.apiKeys
  const onError = options.onError ?? defaultOnError
  const auth = Auth.step({ apiKeys: keys === undefined ? undefined : new Set(keys), sessions })
  const initialFaults = validFaults(options.faults ?? {})
  const chaos = Chaos.make(store, initialFaults)
  // The keys it accepts and the tokens it knows never show in the journal, wherever they were sent.
  const secretKeys = [...(keys ?? [])].sort((a, b) => b.length - a.length)
  const journal = Journal.make(options.journal ?? Journal.defaultCapacity, (text) => sessions.redact(Journal.redactValues(text, secretKeys), Journal.REDACTED))
  const journaling = options.journal !== 0
  const reset = () => {
    journal.clear()
    chaos.reset()
    sessions.reset()
  }

  const app = new Hono<Reply.MockEnv>({ strict: false })
  app.route(Admin.prefix, Admin.routes({ token: options.adminToken, journal, chaos, store, sessions, reset }))
  app.route("/", Docs.routes())
  // One handler per route, so that Hono answers a plain request synchronously (see `Pipeline`).
  const scenarios = Scenarios.step(chaos)
  app.get(RefoldApi.listPath, Pipeline.handler([scenarios, auth, Scenarios.listExample], Executions.list(store)))
  app.get(RefoldApi.getPath, Pipeline.handler([scenarios, auth, Scenarios.getExample], Executions.get(store)))
  app.notFound((c) => {
    const path = pathOf(c.req.url)
    if (apiTemplates.some((template) => Routes.matches(template, path))) {
      return Reply.error(c, 405, Reply.codes.methodNotAllowed, `Method ${c.req.method} is not allowed on ${path}; use GET`, { allow: "GET, HEAD" })
    }
    const hint = Routes.nearest(c.req.method, path)
    const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path
    return Reply.error(c, 404, Reply.codes.routeNotFound, `Route ${c.req.method} ${shown} not found${hint === undefined ? "" : `; did you mean ${hint}?`}`)
  })
  app.onError((error, c) => {
    const requestId = Reply.requestId(c)
    onError(error, { method: c.req.method, path: pathOf(c.req.url), requestId })
    return Reply.error(c, 500, Reply.codes.internal, "Internal server error")
  })

  /** Last line of defence: Hono rethrows what is not an `Error`. */
  const crashed = (request: Request, exchange: Reply.Exchange) => (error: unknown) => {
    const requestId = (exchange.requestId ??= Reply.newRequestId())
    onError(error, { method: request.method, path: pathOf(request.url), requestId })
    return Reply.errorResponse(500, Reply.codes.internal, "Internal server error", requestId)
  }
  const answered = (recording: Journal.Recording, request: Request, exchange: Reply.Exchange, response: Response): Response => {
    const fault = Scenarios.appliedTo(request)
    recording.answered(exchange.requestId ?? Reply.newRequestId(), fault === "reset" || fault === "hang" ? null : response.status, fault)
    return response
  }
  const handle = (request: Request, env?: unknown): Response | Promise<Response> => {
    const node = Node.bindings(env)
    const exchange = new Reply.Exchange(node?.incoming, node?.outgoing)
    const recording = journaling && !isAdmin(request) ? journal.record(request, node?.incoming.rawHeaders) : undefined
    let response: Response | Promise<Response>
    try {
      response = app.fetch(request, exchange)
    } catch (error) {
      response = crashed(request, exchange)(error)
    }
    if (response instanceof Promise) {
      const settled = response.catch(crashed(request, exchange))
      return recording === undefined ? settled : settled.then((r) => answered(recording, request, exchange, r))
    }
    return recording === undefined ? response : answered(recording, request, exchange, response)
  }

  const served = Cors.wrap(options.cors ?? "*", handle)
  const fetch = (request: Request, env?: unknown) => Promise.resolve(served(request, env))
  handles.set(fetch, served)

  return {
    app,
    fetch,
    mintSessionToken: sessions.mint,
    store,
    journal,
    faults: chaos.current,
    setFaults: (faults) => chaos.set(validFaults(faults)),
    reset
  }
}
