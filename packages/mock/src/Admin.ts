/**
 * The admin API under `/__admin`, with WireMock's names: the request journal, faults (settings),
 * reset and health, plus session tokens for tests that run the mock out of process. When the app
 * has an admin token, every admin route but `health` wants `Authorization: Bearer <token>`.
 * Admin requests are never journaled and never get faults.
 *
 * | route | does |
 * |---|---|
 * | `GET /__admin/health` | `{ status: "healthy", executions, accounts, uptimeInSeconds, timestamp }` |
 * | `GET /__admin/requests?limit=n` | `{ requests: [entry, ...], meta: { total } }`, newest first; any other query parameter is a 400 |
 * | `POST /__admin/requests/count` | a request pattern → `{ count }` |
 * | `DELETE /__admin/requests` | forgets the journal |
 * | `GET /__admin/settings` | `{ faults, arrived }` |
 * | `POST /__admin/settings` | `{ faults }` replaces the global faults (`{ faults: {} }` clears them) |
 * | `POST /__admin/reset` | journal, faults, arrived executions and minted session tokens back to the start |
 * | `POST /__admin/session-tokens` | `{ linked_account_id }` → `{ token }` |
 * | `POST /__admin/stubs` | `{ request: pattern, response: answer }` adds a stub (see `Stubs`) → 201 `{ total }` |
 * | `GET /__admin/stubs` | `{ stubs: [{ request, response }, ...], meta: { total } }`, newest first |
 * | `DELETE /__admin/stubs` | forgets every stub |
 * | `GET /__admin/webhooks/deliveries?limit=n` | `{ deliveries: [attempt, ...], meta: { total, pending } }`, newest first |
 * | `POST /__admin/webhooks/settle` | `{ timeoutMs? }`: answers `{ settled: true, pending: 0 }` once no delivery is pending, else 409 after the wait (see `internal/SettleAdmin.ts`) |
 * | `DELETE /__admin/webhooks/deliveries` | forgets the delivery journal |
 * | `/__admin/clock`, `/__admin/executions` | the clock and the executions' lifecycle (see `internal/LiveAdmin.ts`) |
 *
 * @since 0.1.0
 */
import { Either } from "effect"
import { Hono, type Context } from "hono"
import { bodyLimit } from "hono/body-limit"
import { createHash, timingSafeEqual } from "node:crypto"
import type { ExecutionStore } from "./ExecutionStore.js"
import * as Faults from "./Faults.js"
import type { Chaos } from "./internal/Chaos.js"
import * as AdminBody from "./internal/AdminBody.js"
import * as Body from "./internal/Body.js"
import * as LiveAdmin from "./internal/LiveAdmin.js"
import * as Reply from "./internal/Reply.js"
import * as SettleAdmin from "./internal/SettleAdmin.js"
import { quoted } from "./internal/Shown.js"
import * as Journal from "./Journal.js"
import type { SessionTokens } from "./SessionTokens.js"
import type * as Stubs from "./Stubs.js"
import type { Deliveries } from "./WebhookDeliveries.js"

/** The path prefix of the admin API. */
export const prefix = "/__admin"

/** The error code of a bad admin request. */
export const INVALID_ADMIN_REQUEST = AdminBody.INVALID_ADMIN_REQUEST

/** What the admin API drives. */
export interface Options {
  readonly token: string | undefined
  readonly journal: Journal.Journal
  readonly chaos: Chaos
  readonly store: ExecutionStore
  readonly sessions: SessionTokens
  readonly webhooks: Deliveries
  readonly stubs: Stubs.Stubs
  /** Resets everything the admin API can change. */
  readonly reset: () => void
  /** The clock and lifecycle routes' dependencies. */
  readonly live: LiveAdmin.Options
}

const digest = (s: string) => createHash("sha256").update(s).digest()

const BEARER = /^bearer[ \t]+([^ \t]+)[ \t]*$/i

const invalid = AdminBody.invalid

/** How deep an admin body's JSON may nest; deeper bodies are refused before they are parsed. */
export const MAX_DEPTH = AdminBody.MAX_DEPTH

/** The largest admin body, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024

/** The JSON body of an admin request, or the 400 that explains why it is not one (see `AdminBody`). */
const jsonBody = AdminBody.json

const ok = (c: Context<Reply.MockEnv>, body: unknown, status = 200) => Reply.json(status, JSON.stringify(body), Reply.requestId(c))

/**
 * Why an admin token cannot be used, or `undefined` when it can: `Authorization: Bearer <token>`
 * carries one word, so an empty token or one with spaces would lock the admin API for good.
 */
export const invalidToken = (token: string): string | undefined =>
  /^[^\s]+$/.test(token) ? undefined : "expected a non-empty token without spaces (Authorization: Bearer <token> carries one word)"

/** The admin routes, to mount at {@link prefix}. */
export const routes = (options: Options): Hono<Reply.MockEnv> => {
  const started = Date.now()
  const bad = options.token === undefined ? undefined : invalidToken(options.token)
  if (bad !== undefined) throw new RangeError(`Invalid adminToken: ${bad}`)
  const expected = options.token === undefined ? undefined : digest(options.token)
  const admin = new Hono<Reply.MockEnv>({ strict: false })

  admin.get("/health", (c) =>
    ok(c, {
      status: "healthy",
      message: "refold mock is ok",
      executions: options.store.size,
      accounts: options.store.accounts.length,
      uptimeInSeconds: Math.floor((Date.now() - started) / 1000),
      timestamp: new Date().toISOString()
    })
  )

  admin.use("*", async (c, next) => {
    if (expected === undefined) return next()
    const bearer = BEARER.exec(c.req.header("authorization") ?? "")
    // Compare digests: equal lengths for timingSafeEqual, and no timing hint about the token.
    if (bearer !== null && timingSafeEqual(digest(bearer[1]!), expected)) return next()
    return Reply.error(c, 401, "UNAUTHORIZED", "Admin token required: send Authorization: Bearer <admin token>")
  })
  admin.use("*", bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => Body.tooLarge(c as Context<Reply.MockEnv>, MAX_BODY_BYTES) }))

  /**
   * The 400 naming the first query parameter the route does not take, or one given twice, or
   * `undefined`: a filter the route ignored would answer as if it had applied (every request, when
   * `?method=POST` was meant), and a `DELETE` would forget more than was asked.
   */
  const unknownQuery = (c: Context<Reply.MockEnv>, accepted: ReadonlyArray<string>, hint = ""): Response | undefined => {
    const query = new URL(c.req.url).searchParams
    const takes = accepted.length === 0 ? "takes no query parameters" : `takes only ${accepted.map((a) => `"${a}"`).join(", ")}`
    for (const name of new Set(query.keys())) {
      const shown = quoted(name)
      if (!accepted.includes(name)) return invalid(c, `Unknown query parameter ${shown}: ${c.req.method} ${c.req.path} ${takes}${hint}`)
      if (query.getAll(name).length > 1) return invalid(c, `Invalid query parameter ${shown}: expected a single value, got it more than once`)
    }
    return undefined
  }
  /** Where the request journal's filters are. */
  const filters = "; to count the requests that match a pattern, POST it to /__admin/requests/count"

  /** The `limit` query parameter (the only one the journals take), or the 400 that explains why it is not one. */
  const limitOf = (c: Context<Reply.MockEnv>, hint?: string): Either.Either<number | undefined, Response> => {
    const unknown = unknownQuery(c, ["limit"], hint)
    if (unknown !== undefined) return Either.left(unknown)
    const limitParam = c.req.query("limit")
    const limit = limitParam === undefined ? undefined : /^[0-9]{1,9}$/.test(limitParam) ? Number(limitParam) : NaN
    if (Number.isNaN(limit)) return Either.left(invalid(c, `Invalid query parameter "limit": expected a non-negative integer, got ${JSON.stringify(limitParam)}`))
    return Either.right(limit)
  }

  admin.get("/requests", (c) => {
    const limit = limitOf(c, filters)
    if (Either.isLeft(limit)) return limit.left
    const all = options.journal.requests()
    return ok(c, { requests: limit.right === undefined ? all : all.slice(0, limit.right), meta: { total: all.length } })
  })

  admin.get("/webhooks/deliveries", (c) => {
    const limit = limitOf(c)
    if (Either.isLeft(limit)) return limit.left
    const all = options.webhooks.attempts()
    return ok(c, { deliveries: limit.right === undefined ? all : all.slice(0, limit.right), meta: { total: all.length, pending: options.webhooks.pending() } })
  })

  admin.post("/webhooks/settle", SettleAdmin.handler(() => options.webhooks.pending()))

  admin.delete("/webhooks/deliveries", (c) => {
    const unknown = unknownQuery(c, [])
    if (unknown !== undefined) return unknown
    options.webhooks.clear()
    return ok(c, {})
  })

  admin.post("/requests/count", async (c) => {
    const body = await jsonBody(c)
    if (Either.isLeft(body)) return body.left
    const pattern = Journal.decodeRequestPattern(body.right)
    if (Either.isLeft(pattern)) return invalid(c, pattern.left)
    const count = await options.journal.countPaced(pattern.right)
    return count === undefined
      ? invalid(c, `Invalid pattern: matching it against the journal took longer than ${Journal.COUNT_BUDGET_MS / 1000} s; use a simpler pattern`)
      : ok(c, { count })
  })

  admin.delete("/requests", (c) => {
    const unknown = unknownQuery(c, [], filters)
    if (unknown !== undefined) return unknown
    options.journal.clear()
    return ok(c, {})
  })

  admin.get("/settings", (c) => ok(c, { faults: options.chaos.current(), arrived: options.chaos.arrived() }))

  admin.post("/settings", async (c) => {
    const body = await jsonBody(c)
    if (Either.isLeft(body)) return body.left
    const settings = body.right as { faults?: unknown }
    if (typeof settings !== "object" || settings === null || Array.isArray(settings) || !("faults" in settings)) {
      return invalid(c, 'Invalid settings: expected { "faults": { ... } }')
    }
    const extra = Object.keys(settings).filter((k) => k !== "faults")
    if (extra.length > 0) return invalid(c, `Invalid settings: unknown field ${JSON.stringify(extra[0])}; expected { "faults": { ... } }`)
    const faults = Faults.decode(settings.faults)
    if (Either.isLeft(faults)) return invalid(c, faults.left)
    try {
      options.chaos.set(faults.right)
    } catch (e) {
      return invalid(c, (e as Error).message)
    }
    return ok(c, { faults: options.chaos.current() })
  })

  admin.post("/reset", (c) => {
    options.reset()
    return ok(c, {})
  })

  LiveAdmin.routes(admin, options.live)

  admin.get("/stubs", (c) => ok(c, { stubs: options.stubs.list(), meta: { total: options.stubs.size() } }))

  admin.post("/stubs", async (c) => {
    const body = await jsonBody(c)
    if (Either.isLeft(body)) return body.left
    const stub = body.right as { request?: unknown; response?: unknown } | null
    const shape = 'expected { "request": { pattern }, "response": { code, body, example, delay, fault } }'
    if (typeof stub !== "object" || stub === null || Array.isArray(stub) || stub.request === undefined || stub.response === undefined) {
      return invalid(c, `Invalid stub: ${shape}`)
    }
    const extra = Object.keys(stub).find((k) => k !== "request" && k !== "response")
    if (extra !== undefined) return invalid(c, `Invalid stub: unknown field ${JSON.stringify(extra)}; ${shape}`)
    const added = options.stubs.add(stub.request, stub.response as Stubs.Answer)
    return Either.isLeft(added) ? invalid(c, added.left) : ok(c, { total: options.stubs.size() }, 201)
  })

  admin.delete("/stubs", (c) => {
    options.stubs.clear()
    return ok(c, {})
  })

  admin.post("/session-tokens", async (c) => {
    const body = await jsonBody(c)
    if (Either.isLeft(body)) return body.left
    const account = (body.right as { linked_account_id?: unknown } | null)?.linked_account_id
    if (typeof account !== "string" || account === "") return invalid(c, 'Invalid body: expected { "linked_account_id": "<account>" }')
    try {
      return ok(c, { token: options.sessions.mint(account) }, 201)
    } catch (e) {
      return invalid(c, (e as Error).message)
    }
  })

  return admin
}
