/**
 * The mock of the Refold execution API: one Hono app over an indexed data set, to run over TCP
 * (`serve`), in-process (`fetch`, no socket) or behind an Effect `HttpClient` (`MockHttpClient`).
 *
 * @since 0.1.0
 */
import { RefoldApi } from "@refold-effect/contract"
import { DataSet, type Fixture } from "@refold-effect/fixtures"
import { Either } from "effect"
import { type Context, Hono } from "hono"
import { getPath } from "hono/utils/url"
import * as Admin from "./Admin.js"
import * as Docs from "./Docs.js"
import * as ExecutionStore from "./ExecutionStore.js"
import * as Faults from "./Faults.js"
import * as Actions from "./internal/Actions.js"
import * as Edits from "./internal/Edits.js"
import * as Auth from "./internal/Auth.js"
import * as Batches from "./internal/Batches.js"
import * as Chaos from "./internal/Chaos.js"
import * as Control from "./internal/Control.js"
import * as Cors from "./internal/Cors.js"
import * as Executions from "./internal/Executions.js"
import * as Node from "./internal/Node.js"
import * as Options from "./internal/Options.js"
import * as Pipeline from "./internal/Pipeline.js"
import * as Query from "./internal/Query.js"
import * as Reply from "./internal/Reply.js"
import * as Routes from "./internal/Routes.js"
import * as Scenarios from "./internal/Scenarios.js"
import * as Workflows from "./internal/Workflows.js"
import * as Journal from "./Journal.js"
import * as Lifecycle from "./Lifecycle.js"
import * as MockClock from "./MockClock.js"
import * as SessionTokens from "./SessionTokens.js"
import * as Stubs from "./Stubs.js"
import * as Subscriptions from "./internal/Subscriptions.js"
import * as WebhookRoutes from "./internal/WebhookRoutes.js"
import * as WebhookDeliveries from "./WebhookDeliveries.js"

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
  /** How webhooks are delivered: retries, backoff, timeouts, the clock (see `WebhookDeliveries`). */
  readonly webhooks?: WebhookDeliveries.Options | undefined
  /**
   * The clock executions run on: a clock's options (`{ speed: 60 }`, `{ speed: 0 }` for manual;
   * default real time) or a clock of your own (`MockClock.make`). See `MockClock`.
   */
  readonly clock?: MockClock.Options | MockClock.MockClock | undefined
  /** Seed of the executions' outcomes and timings (default 1). See `Lifecycle`. */
  readonly lifecycleSeed?: number | undefined
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
   * What `serve` answers each request with: `fetch`, but returning the `Response` itself when the
   * app answered at once, so that the server writes it in the same tick (`@hono/node-server` awaits
   * a promise and watches the socket). Never throws nor rejects. To run a mock app on a server of
   * your own, serve this; to observe what `serve` answers, wrap this (`{ ...mock, handle }`).
   */
  readonly handle: Handler
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
  /** The webhook deliveries: `deliver(transition)` on each change of an execution's status, and their journal. */
  readonly webhooks: WebhookDeliveries.Deliveries
  /** Back to the start: empty journal, the initial faults, the data set's executions, no webhooks, no stubs, no minted session tokens (the clock keeps its time). */
  readonly reset: () => void
  /** The clock the executions run on. */
  readonly clock: MockClock.MockClock
  /** The executions' lives: force outcomes, wait for ends, listen to transitions. */
  readonly lifecycle: Lifecycle.Lifecycle
  /** Inserts or changes executions, as a test does; the lifecycle follows. */
  readonly edits: Edits.Edits
  /** Answers set for the requests matching a pattern (see `Stubs`); cleared by `reset`. */
  readonly stubs: Stubs.Stubs
  /** Stops the clock's timers, releases waiters and cancels pending webhook deliveries. The app still answers, on a stopped clock. */
  readonly close: () => void
}

/**
 * Whether `value` is an origin as a browser sends it in `Origin` (scheme, host and port only, such
 * as `http://localhost:5173`): what the `cors` option lists, and the command line's `--cors`.
 */
export const isCorsOrigin: (value: string) => boolean = Cors.isOrigin

/**
 * Why a list of keys cannot be the `apiKeys` option, or `undefined` when it can: each key once,
 * non-empty, printable ASCII without spaces at either end (what an `x-api-key` header carries).
 * A key is named by its place in the list (from 0), never by its value. The command line's
 * `--api-key` checks with it.
 */
export const invalidApiKeys: (keys: unknown) => string | undefined = Auth.invalidKeys

/** What answers one operation: its handler, and how its examples read paging (default: page 1 of 10). */
interface Operation {
  readonly handle: Pipeline.Answerer<Reply.MockEnv>
  readonly paging?: Scenarios.Paging
  /** The credentials step, when not the API's (`linked_account_id` with a key, or a session token). */
  readonly auth?: Pipeline.Step<Reply.MockEnv>
}

/** One handler per operation of the contract: the type makes a missing one a compile error. */
type Operations = { readonly [E in RefoldApi.EndpointName]: Operation }

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

/** The paths of the API's routes, which come first among the routes a 404 suggests. */
const apiPaths = new Set(RefoldApi.endpoints.map((e) => e.path))

/** How a server answers a request: Hono's `fetch` signature. */
export type Handler = (request: Request, env?: unknown) => Response | Promise<Response>

/** What `serve` answers each request with: the app's {@link MockApp.handle}. */
export const handler = (mock: MockApp): Handler => mock.handle

/**
 * Builds a mock app over a data set. Throws an `Error` naming the option and its value when an
 * option could never work (or is no option: a typo), and when the data set cannot be indexed
 * (duplicate ids).
 */
export const createMockApp = (options: MockOptions = {}): MockApp => {
  // Options that could never work are refused before anything starts (no clock, no timers).
  Options.check(options)
  const capacity = options.journal ?? Journal.defaultCapacity
  const cors = options.cors ?? "*"
  const data = options.data ?? DataSet.bundled()
  const clock = options.clock !== undefined && "now" in options.clock ? options.clock : MockClock.make(options.clock)
  // The lifecycle writes a run's end on the clock; its nodes finish as the store reads them.
  const lifecycle = Lifecycle.make({ clock, records: { get: (id) => store.find(id), put: (r) => store.update(r._id, () => r) }, seed: options.lifecycleSeed })
  const store = ExecutionStore.make(data, { current: lifecycle.current })
  // Tokens expire on the clock, as every other time the mock keeps.
  const sessions = SessionTokens.make(store, clock.now)
  const keys = options.apiKeys ?? data.apiKeys
  const onError = options.onError ?? defaultOnError
  const auth = Auth.step({ apiKeys: keys === undefined ? undefined : new Set(keys), sessions })
  // Checked above: the decoding gives the faults with their defaults.
  const initialFaults = Either.getOrThrow(Faults.decode(options.faults ?? {}))
  // The keys it accepts and the tokens it knows never show in the journal, wherever they were sent.
  const secretKeys = [...(keys ?? [])].sort((a, b) => b.length - a.length)
  // Its times are the clock's, as a run's `createdAt` and a delivery's `sentAt` are.
  const journal = Journal.make(capacity, (text) => sessions.redact(Journal.redactValues(text, secretKeys), Journal.REDACTED), clock.now)
  const journaling = options.journal !== 0
  lifecycle.reset(() => store.executions())
  // Arrivals run like any other execution: their times on the clock, their lives in the lifecycle.
  const chaos = Chaos.make(store, initialFaults, { now: clock.now, inserted: lifecycle.observe })
  const edits = Edits.make(store, lifecycle)
  // Webhooks retry on the mock's clock, and every terminal transition delivers.
  const scheduler = options.webhooks?.scheduler ?? WebhookDeliveries.onClock(clock)
  const subscriptions = Subscriptions.make(data.accounts[0]?.org_id, scheduler.now)
  const webhooks = WebhookDeliveries.make(subscriptions.all, { ...options.webhooks, scheduler })
  lifecycle.onTransition(webhooks.deliver)
  const actions = Actions.make(store, lifecycle, clock.now)
  const stubs = Stubs.make()
  const reset = () => {
    stubs.clear()
    journal.clear()
    chaos.reset()
    lifecycle.reset(() => store.executions())
    subscriptions.reset()
    webhooks.reset()
    sessions.reset()
  }

  const app = new Hono<Reply.MockEnv>({ strict: false })
  app.route(Admin.prefix, Admin.routes({ token: options.adminToken, journal, chaos, store, sessions, webhooks, stubs, reset, live: { clock, lifecycle, edits, find: store.find } }))
  app.route("/", Docs.routes())
  const reads = Executions.make(store)
  // A run is in the environment of the credentials that started it (read by those routes alone).
  const environment = (c: Context<Reply.MockEnv>) => Auth.environment(Node.headers(c.req.raw, c.env), c.get("linkedAccountId"), store.account)
  // Webhooks belong to the org: the API key alone, no linked account (see `WebhookRoutes`).
  const orgAuth = WebhookRoutes.orgAuth(keys === undefined ? undefined : new Set(keys))
  const operations: Operations = {
    listExecutions: { handle: reads.list, paging: Query.paging },
    getExecution: { handle: reads.get },
    stopExecution: { handle: Control.stop(actions) },
    rerunExecution: { handle: Control.rerun(actions, environment) },
    listExecutionNodeBatches: { handle: Batches.list(store), paging: Batches.paging },
    executeWorkflow: { handle: Workflows.execute(actions, environment) },
    listWebhooks: { handle: WebhookRoutes.list(subscriptions), auth: orgAuth },
    registerWebhook: { handle: WebhookRoutes.create(subscriptions), auth: orgAuth },
    getWebhookById: { handle: WebhookRoutes.get(subscriptions), auth: orgAuth },
    updateWebhook: { handle: WebhookRoutes.update(subscriptions), auth: orgAuth },
    deleteWebhook: { handle: WebhookRoutes.remove(subscriptions), auth: orgAuth }
  }
  const scenarios = Scenarios.step(chaos, stubs)
  // One handler per route, so that Hono answers a plain request synchronously (see `Pipeline`);
  // the routes are the contract's, each with the same steps in front of its handler.
  for (const endpoint of RefoldApi.endpoints) {
    const operation = operations[endpoint.name]
    app.on(endpoint.method, endpoint.path, Pipeline.handler([scenarios, operation.auth ?? auth, Scenarios.example(endpoint, operation.paging)], operation.handle))
  }
  // Every route is registered: the table answers 405s and hints for the API, the docs and the admin API alike.
  const routes = Routes.of(app.routes, (path) => apiPaths.has(path))
  app.notFound((c) => {
    const path = pathOf(c.req.url)
    const allow = routes.allowed(path)
    const hint = routes.nearest(c.req.method, path)
    if (allow !== undefined) {
      // A route with the method asked for, near this path (`POST /__admin/clock` meant `/advance`), is worth naming.
      const also = hint?.startsWith(`${c.req.method.toUpperCase()} `) ? `; did you mean ${hint}?` : ""
      return Reply.error(c, 405, Reply.codes.methodNotAllowed, `Method ${c.req.method} is not allowed on ${path}; use ${allow.replace(", HEAD", "")}${also}`, { allow })
    }
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
  const answered = (recording: Journal.Recording, exchange: Reply.Exchange, response: Response): Response => {
    const fault = exchange.fault
    recording.answered(exchange.requestId ?? Reply.newRequestId(), fault === "reset" || fault === "hang" ? null : response.status, fault)
    return response
  }
  const handle = (request: Request, env?: unknown): Response | Promise<Response> => {
    // Whatever fell due on the clock happens before the request is answered.
    clock.poll()
    const node = Node.bindings(env)
    const recording = journaling && !isAdmin(request) ? journal.record(request, node?.incoming.rawHeaders) : undefined
    const exchange = new Reply.Exchange(node?.incoming, node?.outgoing, recording)
    let response: Response | Promise<Response>
    try {
      response = app.fetch(request, exchange)
    } catch (error) {
      response = crashed(request, exchange)(error)
    }
    if (response instanceof Promise) {
      const settled = response.catch(crashed(request, exchange))
      return recording === undefined ? settled : settled.then((r) => answered(recording, exchange, r))
    }
    return recording === undefined ? response : answered(recording, exchange, response)
  }

  const served = Cors.wrap(cors, handle, routes.methodsUnder(Admin.prefix))
  const fetch = (request: Request, env?: unknown) => Promise.resolve(served(request, env))

  return {
    app,
    fetch,
    handle: served,
    mintSessionToken: sessions.mint,
    store,
    journal,
    faults: chaos.current,
    setFaults: (faults) => chaos.set(Either.getOrThrowWith(Faults.decode(faults), (message) => new Error(message))),
    webhooks,
    reset,
    clock,
    lifecycle,
    edits,
    stubs,
    close: () => {
      lifecycle.close()
      clock.close()
      webhooks.reset()
    }
  }
}
