/**
 * Every error tag and the retry policy, against a scripted server over real TCP: rate limits with
 * Retry-After, outages, hangs, resets, truncated and non-JSON bodies, contract violations.
 */
import { describe, expect, it } from "@effect/vitest"
import { Clock, Duration, Effect, Either, Exit, Fiber, TestClock } from "effect"
import { Executions, type ExecutionsService, type RefoldError } from "../src/index.js"
import * as Faults from "./support/Faults.js"
import { type Client, clients, executionsAt, fast, type TestOptions } from "./support/layers.js"
import * as Samples from "./support/samples.js"
import { sleepingUntil } from "./support/waits.js"

const ID = "65410cf6cdf931a12d7ab009"

/** Runs `f` against a fresh fault server, returning its result (or error) and the server. */
const againstServer = <A>(
  setup: (server: Faults.FaultServer) => void,
  f: (executions: ExecutionsService) => Effect.Effect<A, RefoldError>,
  options: TestOptions = {}
) =>
  Effect.gen(function*() {
    const server = yield* Faults.make()
    setup(server)
    const started = Date.now()
    const result = yield* Effect.either(Effect.flatMap(Executions, f).pipe(Effect.provide(executionsAt(server.url, options))))
    return { result, server, elapsed: Date.now() - started }
  })

const failure = <A>(result: Either.Either<A, RefoldError>): RefoldError => {
  if (Either.isRight(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`)
  return result.left
}

/** Every behaviour below holds whichever way the SDK sends its requests. */
const suite = (client: Client) => {
  const against = <A>(
    setup: (server: Faults.FaultServer) => void,
    f: (executions: ExecutionsService) => Effect.Effect<A, RefoldError>,
    options: TestOptions = {}
  ) => againstServer(setup, f, { ...options, client })

  describe("HTTP answers map to tagged errors by status", () => {
    it.scopedLive("400 with the vendor's body is BadRequest with its code, message and request id", () =>
      Effect.gen(function*() {
        const { result, server } = yield* against(
          (s) => s.script(Faults.json(400, Samples.errorBody(400, "INVALID_LINKED_ACCOUNT_ID", "linked_account_id or org_id is required", "req-400"))),
          (e) => e.list()
        )
        const error = failure(result)
        expect(error).toMatchObject({
          _tag: "BadRequest",
          status: 400,
          errorCode: "INVALID_LINKED_ACCOUNT_ID",
          message: "linked_account_id or org_id is required",
          requestId: "req-400",
          method: "GET",
          url: `${server.url}/api/v2/public/execution`
        })
        expect(server.count()).toBe(1)
      }))

    it.scopedLive("a plain-text 401 is Unauthorized, not retried", () =>
      Effect.gen(function*() {
        const { result, server } = yield* against((s) => s.script(Faults.text(401, "Unauthorized")), (e) => e.list())
        expect(failure(result)).toMatchObject({ _tag: "Unauthorized", status: 401, message: "HTTP 401: Unauthorized" })
        expect(server.count()).toBe(1)
      }))

    it.scopedLive("403 is Forbidden, the vendor's older `error` spelling read as the code", () =>
      Effect.gen(function*() {
        const { result } = yield* against(
          (s) => s.script(Faults.json(403, { status_code: 403, error: "FORBIDDEN_ACTION", message: "Not allowed" })),
          (e) => e.list()
        )
        expect(failure(result)).toMatchObject({ _tag: "Forbidden", status: 403, errorCode: "FORBIDDEN_ACTION", message: "Not allowed" })
      }))

    it.scopedLive("404 is NotFound, with the request id from x-request-id when the body has none", () =>
      Effect.gen(function*() {
        const { result, server } = yield* against(
          (s) =>
            s.script(Faults.json(404, { status_code: 404, error_code: "RESOURCE_NOT_FOUND", message: "Execution not found" }, { "x-request-id": "hdr-404" })),
          (e) => e.get(ID)
        )
        expect(failure(result)).toMatchObject({
          _tag: "NotFound",
          status: 404,
          errorCode: "RESOURCE_NOT_FOUND",
          requestId: "hdr-404",
          url: `${server.url}/api/v2/public/execution/${ID}`
        })
        expect(server.count()).toBe(1)
      }))

    it.scopedLive("another 4xx is BadRequest carrying its status", () =>
      Effect.gen(function*() {
        const { result, server } = yield* against((s) => s.script(Faults.text(422, "")), (e) => e.list())
        expect(failure(result)).toMatchObject({ _tag: "BadRequest", status: 422, message: "HTTP 422 with an empty body" })
        expect(server.count()).toBe(1)
      }))

    it.scopedLive("an HTML 502 from a gateway is ServerError (retried, then reported)", () =>
      Effect.gen(function*() {
        const html = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
        const { result, server } = yield* against((s) => s.fallback(Faults.text(502, html, "text/html")), (e) => e.list())
        const error = failure(result)
        expect(error).toMatchObject({ _tag: "ServerError", status: 502 })
        expect(error.message).toBe("HTTP 502: 502 Bad Gateway Bad Gateway")
        expect(server.count()).toBe(1 + fast.maxRetries!)
      }))

    it.scopedLive("501 is ServerError and is not retried", () =>
      Effect.gen(function*() {
        const { result, server } = yield* against(
          (s) => s.fallback(Faults.json(501, Samples.errorBody(501, "NOT_IMPLEMENTED", "Not implemented"))),
          (e) => e.list()
        )
        expect(failure(result)).toMatchObject({ _tag: "ServerError", status: 501, errorCode: "NOT_IMPLEMENTED" })
        expect(server.count()).toBe(1)
      }))

    it.scopedLive("a 200 whose body breaks the contract is DecodeError with the raw body and the field at fault", () =>
      Effect.gen(function*() {
        const body = { ...Samples.page(1, 10, 3), totalDocs: "three" }
        const { result, server } = yield* against((s) => s.script(Faults.json(200, body, { "x-request-id": "req-bad" })), (e) => e.list())
        const error = failure(result)
        expect(error._tag).toBe("DecodeError")
        if (error._tag !== "DecodeError") return
        expect(error.status).toBe(200)
        expect(error.body).toBe(JSON.stringify(body))
        expect(error.requestId).toBe("req-bad")
        expect(error.message).toContain("totalDocs")
        expect(server.count()).toBe(1)
      }))

    it.scopedLive("a 200 with fields the contract does not know yet decodes and keeps them as sent", () =>
      Effect.gen(function*() {
        const page = Samples.page(1, 10, 2)
        const body = { ...page, docs: page.docs.map((d) => ({ ...d, region: "eu" })), cursor: "abc" }
        const detail = { ...Samples.detail(ID), nodes: Samples.detail(ID).nodes.map((n) => ({ ...n, retries: 2 })), tags: ["x"] }
        const { result } = yield* against(
          (s) => s.script(Faults.json(200, body), Faults.json(200, detail)),
          (e) => Effect.all([e.list(), e.get(ID)])
        )
        const [listed, got] = Either.getOrThrow(result)
        expect(listed).toEqual(body)
        expect(got).toEqual(detail)
      }))

    // Only fetch inflates; the SDK asks for no compression, so other clients get none from the API.
    it.scopedLive(`${client === "fetch" ? "bodies compressed with gzip, deflate or brotli decode; " : ""}text split across chunks keeps every character`, () =>
      Effect.gen(function*() {
        // Large enough to arrive in many chunks, with multi-byte characters across their edges.
        const page = Samples.page(1, 500, 500)
        const body = { ...page, docs: page.docs.map((d, i) => ({ ...d, region: `Zürich ${"🚀".repeat(i % 7)} 東京` })) }
        const { result, server } = yield* against(
          (s) =>
            s.script(
              Faults.json(200, body),
              ...(client === "fetch"
                ? [Faults.encoded("gzip", body), Faults.encoded("deflate", body), Faults.encoded("br", body)]
                : [Faults.json(200, body), Faults.json(200, body), Faults.json(200, body)])
            ),
          (e) => Effect.all([e.list(), e.list(), e.list(), e.list()])
        )
        expect(Either.getOrThrow(result)).toEqual([body, body, body, body])
        expect(server.count()).toBe(4)
      }))

    it.scopedLive("a 200 that is not JSON is DecodeError", () =>
      Effect.gen(function*() {
        const { result } = yield* against((s) => s.script(Faults.text(200, "<html>maintenance</html>", "text/html")), (e) => e.get(ID))
        const error = failure(result)
        expect(error).toMatchObject({ _tag: "DecodeError", body: "<html>maintenance</html>" })
        expect(error.message).toMatch(/not JSON/)
      }))
  })

  describe("retries", () => {
    it.scopedLive("429 with Retry-After in seconds is retried after that long, then succeeds", () =>
      Effect.gen(function*() {
        const { result, server, elapsed } = yield* against(
          (s) => s.script(Faults.json(429, Samples.errorBody(429, "RATE_LIMITED", "Slow down"), { "retry-after": "1" }), Faults.json(200, Samples.page(1, 10, 3))),
          (e) => e.list()
        )
        expect(Either.getOrThrow(result).docs).toHaveLength(3)
        expect(server.count()).toBe(2)
        expect(elapsed).toBeGreaterThanOrEqual(1_000)
      }))

    it.scopedLive("429 with Retry-After as an HTTP date is retried at that date", () =>
      Effect.gen(function*() {
        const at = new Date(Date.now() + 2_000)
        const { result, server, elapsed } = yield* against(
          (s) => s.script(Faults.text(429, "Too Many Requests", "text/plain", { "retry-after": at.toUTCString() }), Faults.json(200, Samples.page(1, 10, 3))),
          (e) => e.list()
        )
        expect(Either.isRight(result)).toBe(true)
        expect(server.count()).toBe(2)
        // HTTP dates have whole seconds: the wait ends between one and two seconds from now.
        expect(elapsed).toBeGreaterThanOrEqual(900)
      }))

    it.scopedLive("a Retry-After beyond the cap fails at once with RateLimited carrying it", () =>
      Effect.gen(function*() {
        const { result, server, elapsed } = yield* against(
          (s) => s.fallback(Faults.json(429, Samples.errorBody(429, "RATE_LIMITED", "Slow down"), { "retry-after": "120" })),
          (e) => e.list()
        )
        const error = failure(result)
        expect(error._tag).toBe("RateLimited")
        if (error._tag !== "RateLimited") return
        expect(error.retryAfter).toEqual(Duration.seconds(120))
        expect(error.errorCode).toBe("RATE_LIMITED")
        expect(server.count()).toBe(1)
        expect(elapsed).toBeLessThan(2_000)
      }))

    it.scopedLive("429 without Retry-After backs off; after maxRetries it is RateLimited without retryAfter", () =>
      Effect.gen(function*() {
        const { result, server } = yield* against((s) => s.fallback(Faults.text(429, "")), (e) => e.list(), { maxRetries: 3 })
        const error = failure(result)
        expect(error).toMatchObject({ _tag: "RateLimited", status: 429 })
        expect((error as { retryAfter?: unknown }).retryAfter).toBeUndefined()
        expect(server.count()).toBe(4)
      }))

    it.scopedLive("503 then 200 succeeds on the retry", () =>
      Effect.gen(function*() {
        const { result, server } = yield* against(
          (s) => s.script(Faults.json(503, Samples.errorBody(503, "UNAVAILABLE", "Try later")), Faults.json(200, Samples.detail(ID))),
          (e) => e.get(ID)
        )
        expect(Either.getOrThrow(result)._id).toBe(ID)
        expect(server.count()).toBe(2)
      }))

    it.scopedLive("maxRetries 0 disables retrying", () =>
      Effect.gen(function*() {
        const { result, server } = yield* against((s) => s.fallback(Faults.text(503, "down")), (e) => e.list(), { maxRetries: 0 })
        expect(failure(result)).toMatchObject({ _tag: "ServerError", status: 503 })
        expect(server.count()).toBe(1)
      }))
  })

  describe("transport failures", () => {
    it.scopedLive("a server that never answers a get is a Timeout per attempt, retried, then reported", () =>
      Effect.gen(function*() {
        const { result, server } = yield* against((s) => s.fallback(Faults.hang), (e) => e.get("0123456789abcdef01234567"), { timeout: 200 })
        const error = failure(result)
        expect(error).toMatchObject({ _tag: "Timeout", kind: "attempt", timeout: Duration.millis(200) })
        expect(server.count()).toBe(3)
        // Every timed-out attempt closed its connection.
        expect(yield* Effect.promise(() => server.abandonedAtLeast(3))).toBe(3)
      }))

    it.scopedLive("the total deadline bounds all attempts: Timeout of kind deadline", () =>
      Effect.gen(function*() {
        const { result, server, elapsed } = yield* against((s) => s.fallback(Faults.hang), (e) => e.list(), { timeout: 2_000, deadline: 300 })
        expect(failure(result)).toMatchObject({ _tag: "Timeout", kind: "deadline", timeout: Duration.millis(300) })
        expect(server.count()).toBe(1)
        expect(elapsed).toBeLessThan(2_000)
      }))

    it.scopedLive("a reset connection is a TransportError, retried, then reported", () =>
      Effect.gen(function*() {
        const { result, server } = yield* against((s) => s.fallback(Faults.reset), (e) => e.list())
        const error = failure(result)
        expect(error._tag).toBe("TransportError")
        expect(error.message).toMatch(/^The request to http:\/\/127\.0\.0\.1:\d+ failed/)
        expect(server.count()).toBe(3)
      }))

    it.scopedLive("a reset followed by an answer succeeds", () =>
      Effect.gen(function*() {
        const { result, server } = yield* against((s) => s.script(Faults.reset, Faults.json(200, Samples.page(1, 10, 2))), (e) => e.list())
        expect(Either.getOrThrow(result).totalDocs).toBe(2)
        expect(server.count()).toBe(2)
      }))

    it.scopedLive("a body cut short is a TransportError, retried", () =>
      Effect.gen(function*() {
        const body = JSON.stringify(Samples.page(1, 10, 10))
        const { result, server } = yield* against((s) => s.fallback(Faults.truncate(body)), (e) => e.list())
        const error = failure(result)
        expect(error._tag).toBe("TransportError")
        expect(error.message).toMatch(/^The response body could not be read/)
        expect(server.count()).toBe(3)
      }))

    it.scopedLive("nothing listening is a TransportError", () =>
      Effect.gen(function*() {
        // A port that was just free: listen on an ephemeral one, then close it.
        const url = yield* Effect.scoped(Effect.map(Faults.make(), (s) => s.url))
        const result = yield* Effect.either(
          Effect.flatMap(Executions, (e) => e.list()).pipe(Effect.provide(executionsAt(url, { client,  maxRetries: 1 })))
        )
        const error = failure(result)
        expect(error._tag).toBe("TransportError")
        expect(error.message).toMatch(/ECONNREFUSED/)
      }))
  })

  describe("interruption", () => {
    it.scopedLive("interrupting a hanging request ends the fiber at once and aborts the request", () =>
      Effect.gen(function*() {
        const server = yield* Faults.make(Faults.hang)
        const fiber = yield* Effect.fork(Effect.flatMap(Executions, (e) => e.get(ID)).pipe(Effect.provide(executionsAt(server.url, { client,  timeout: 10_000 }))))
        yield* Effect.promise(() => server.waitFor(1))
        const started = Date.now()
        const exit = yield* Fiber.interrupt(fiber)
        expect(Exit.isInterrupted(exit)).toBe(true)
        expect(Date.now() - started).toBeLessThan(1_000)
        expect(yield* Effect.promise(() => server.abandonedAtLeast(1))).toBe(1)
        expect(server.count()).toBe(1)
      }))

    it.scopedLive("interrupting during a backoff ends the fiber at once; no further request is made", () =>
      Effect.gen(function*() {
        const server = yield* Faults.make(Faults.text(429, "", "text/plain", { "retry-after": "1" }))
        const fiber = yield* Effect.fork(Effect.flatMap(Executions, (e) => e.list()).pipe(Effect.provide(executionsAt(server.url, { client }))))
        yield* Effect.promise(() => server.waitFor(1))
        // Let the answer arrive and the backoff start.
        yield* Effect.promise(() => new Promise((r) => setTimeout(r, 100)))
        const started = Date.now()
        const exit = yield* Fiber.interrupt(fiber)
        expect(Exit.isInterrupted(exit)).toBe(true)
        expect(Date.now() - started).toBeLessThan(500)
        // Past the end of the backoff: still one request.
        yield* Effect.promise(() => new Promise((r) => setTimeout(r, 1_200)))
        expect(server.count()).toBe(1)
      }))
  })

  describe("retries under the test clock", () => {
    it.scoped("waits exactly the Retry-After, not a millisecond less", () =>
      Effect.gen(function*() {
        const server = yield* Faults.make()
        server.script(Faults.json(429, Samples.errorBody(429, "RATE_LIMITED", "Slow down"), { "retry-after": "30" }), Faults.json(200, Samples.page(1, 10, 1)))
        const fiber = yield* Effect.fork(
          Effect.flatMap(Executions, (e) => e.list()).pipe(Effect.provide(executionsAt(server.url, { client,  maxRetryAfter: "1 minute", deadline: "5 minutes" })))
        )
        const now = yield* Clock.currentTimeMillis
        yield* sleepingUntil(now + 30_000)
        yield* TestClock.adjust("29999 millis")
        expect(server.count()).toBe(1)
        yield* TestClock.adjust("1 millis")
        const page = yield* Fiber.join(fiber)
        expect(page.totalDocs).toBe(1)
        expect(server.count()).toBe(2)
      }))

    it.scoped("a request that never answers times out when the test clock passes the per-attempt timeout", () =>
      Effect.gen(function*() {
        const server = yield* Faults.make(Faults.hang)
        const fiber = yield* Effect.fork(
          Effect.flatMap(Executions, (e) => e.get(ID)).pipe(
            Effect.provide(executionsAt(server.url, { client, timeout: "30 seconds", maxRetries: 0, deadline: "5 minutes" }))
          )
        )
        const now = yield* Clock.currentTimeMillis
        yield* sleepingUntil(now + 30_000)
        yield* Effect.promise(() => server.waitFor(1))
        yield* TestClock.adjust("29999 millis")
        expect(fiber.unsafePoll()).toBeNull()
        yield* TestClock.adjust("1 millis")
        const error = yield* Effect.flip(Fiber.join(fiber))
        expect(error).toMatchObject({ _tag: "Timeout", kind: "attempt" })
        // The timed-out request was aborted: its connection closed.
        expect(yield* Effect.promise(() => server.abandonedAtLeast(1))).toBe(1)
      }))

    it.scoped("interrupted in a long backoff, it stops at once and never sends the retry", () =>
      Effect.gen(function*() {
        const server = yield* Faults.make(Faults.json(503, Samples.errorBody(503, "UNAVAILABLE", "Down"), { "retry-after": "45" }))
        const fiber = yield* Effect.fork(
          Effect.flatMap(Executions, (e) => e.get(ID)).pipe(Effect.provide(executionsAt(server.url, { client,  maxRetryAfter: "1 minute", deadline: "5 minutes" })))
        )
        const now = yield* Clock.currentTimeMillis
        yield* sleepingUntil(now + 45_000)
        expect(Exit.isInterrupted(yield* Fiber.interrupt(fiber))).toBe(true)
        yield* TestClock.adjust("10 minutes")
        yield* Effect.promise(() => new Promise((r) => setTimeout(r, 50)))
        expect(server.count()).toBe(1)
      }))
  })
}

for (const client of clients) describe(`through ${client}`, () => suite(client))

