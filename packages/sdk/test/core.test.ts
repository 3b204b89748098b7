/**
 * The request core through the application's `HttpClient`: middleware does not change what an
 * answer means, a `POST` that may have reached the server is never repeated, one `Executions`
 * serves many linked accounts, and the retry policy can be a `Schedule`.
 */
import { FetchHttpClient, HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Either, Layer, Schedule } from "effect"
import * as Transport from "../src/internal/transport.js"
import {
  Executions,
  InvalidArgument,
  isRetryable,
  isTransient,
  NotFound,
  RateLimited,
  RefoldAuth,
  RefoldConfig,
  ServerError,
  Timeout,
  TransportError
} from "../src/index.js"
import * as Faults from "./support/Faults.js"
import { API_KEY, clientLayer, clients, executionsAt, fast } from "./support/layers.js"
import * as Samples from "./support/samples.js"

const ID = "65410cf6cdf931a12d7ab009"

/** `FetchHttpClient` with `filterStatusOk`, and a count of the requests it executes. */
const filtered = () => {
  let sent = 0
  const layer = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, (client) =>
      client.pipe(
        HttpClient.filterStatusOk,
        HttpClient.tapRequest(() => Effect.sync(() => sent++))
      ))
  ).pipe(Layer.provide(FetchHttpClient.layer))
  return { layer, sent: () => sent }
}

describe("middleware under the SDK", () => {
  it.scopedLive("with HttpClient.filterStatusOk, a 404 is still NotFound (not a retried TransportError), a 503 still ServerError", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(
        Faults.json(404, Samples.errorBody(404, "RESOURCE_NOT_FOUND", "Execution not found", "req-404")),
        Faults.json(503, Samples.errorBody(503, "UNAVAILABLE", "Down")),
        Faults.json(503, Samples.errorBody(503, "UNAVAILABLE", "Down")),
        Faults.json(200, Samples.detail(ID))
      )
      const http = filtered()
      const layer = Executions.layer.pipe(
        Layer.provide([RefoldAuth.apiKey({ apiKey: API_KEY, linkedAccountId: "user_12345" }), RefoldConfig.layer({ ...fast, baseUrl: server.url }), http.layer]),
        Layer.orDie
      )
      const [missing, got] = yield* Effect.flatMap(Executions, (e) => Effect.all([Effect.flip(e.get(ID)), e.get(ID)])).pipe(Effect.provide(layer))
      expect(missing).toBeInstanceOf(NotFound)
      expect(missing).toMatchObject({ status: 404, errorCode: "RESOURCE_NOT_FOUND", requestId: "req-404" })
      expect(got._id).toBe(ID)
      expect(server.count()).toBe(4)
      expect(http.sent()).toBe(4)
    }))
})

describe("retries of a POST", () => {
  /** The core of the SDK, sending one `POST` through `client`. */
  const post = (url: string, options: { readonly maxRetries?: number; readonly timeout?: number } = {}) => {
    let sent = 0
    const http = Layer.effect(
      HttpClient.HttpClient,
      Effect.map(HttpClient.HttpClient, HttpClient.tapRequest(() => Effect.sync(() => sent++)))
    ).pipe(Layer.provide(FetchHttpClient.layer))
    const effect = Effect.flatMap(Transport.make, (transport) =>
      transport.request({ method: "POST", path: "/api/v2/public/execution/x/stop", body: JSON.stringify({ a: 1 }), decoder: Transport.decoder(Samples.anyJson) })
    ).pipe(
      Effect.provide(
        Layer.orDie(Layer.mergeAll(RefoldAuth.apiKey({ apiKey: API_KEY, linkedAccountId: "user_12345" }), RefoldConfig.layer({ ...fast, ...options, baseUrl: url }), http))
      ),
      Effect.either
    )
    return { effect, sent: () => sent }
  }

  it.scopedLive("sends the JSON body with its content type", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.json(200, { message: "ok" }))
      const { effect } = post(server.url)
      expect(Either.getOrThrow(yield* effect)).toEqual({ message: "ok" })
      expect(server.requests[0]).toMatchObject({ method: "POST", url: "/api/v2/public/execution/x/stop" })
      expect(server.requests[0]!.headers["content-type"]).toBe("application/json")
    }))

  for (
    const [name, behaviour, tag] of [
      ["a 503", Faults.json(503, Samples.errorBody(503, "UNAVAILABLE", "Down")), "ServerError"],
      ["a 502 from a gateway", Faults.text(502, "Bad Gateway"), "ServerError"],
      ["a reset connection", Faults.reset, "TransportError"],
      ["a body cut short", Faults.truncate(JSON.stringify({ message: "Stopping instance" })), "TransportError"]
    ] as const
  ) {
    it.scopedLive(`after ${name} (it may have been processed) is not sent again`, () =>
      Effect.gen(function*() {
        const server = yield* Faults.make(behaviour)
        const { effect } = post(server.url)
        const result = yield* effect
        expect(Either.isLeft(result) && result.left._tag).toBe(tag)
        expect(server.count()).toBe(1)
      }))
  }

  it.scopedLive("after a timeout (it may have been processed) is not sent again", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.hang)
      const { effect } = post(server.url, { timeout: 200 })
      const result = yield* effect
      expect(Either.isLeft(result) && result.left._tag).toBe("Timeout")
      expect(server.count()).toBe(1)
    }))

  it.scopedLive("after a 429 (not processed) is sent again", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(Faults.text(429, "", "text/plain", { "retry-after": "0" }), Faults.json(200, { message: "ok" }))
      const { effect } = post(server.url)
      expect(Either.getOrThrow(yield* effect)).toEqual({ message: "ok" })
      expect(server.count()).toBe(2)
    }))

  it.scopedLive("after a refused connection (not sent) is sent again, and the error says it was not sent", () =>
    Effect.gen(function*() {
      const url = yield* Effect.scoped(Effect.map(Faults.make(), (s) => s.url))
      const { effect, sent } = post(url, { maxRetries: 2 })
      const result = yield* effect
      expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "TransportError", unsent: true })
      expect(sent()).toBe(3)
    }))
})

describe("isRetryable and isTransient", () => {
  const fields = { message: "m", method: "GET", url: "u" }
  const cases = [
    [new RateLimited({ ...fields, status: 429 }), true, true, true],
    [new ServerError({ ...fields, status: 503 }), true, true, false],
    [new ServerError({ ...fields, status: 501 }), false, false, false],
    [new TransportError({ ...fields }), true, true, false],
    [new TransportError({ ...fields, unsent: true }), true, true, true],
    [new Timeout({ ...fields, kind: "attempt", timeout: Duration.seconds(1) }), true, true, false],
    [new NotFound({ ...fields, status: 404 }), false, false, false],
    [new InvalidArgument({ parameter: "limit", message: "m" }), false, false, false]
  ] as const
  for (const [error, transient, read, write] of cases) {
    it(`${error._tag}${"status" in error ? ` ${error.status}` : ""}${"unsent" in error && error.unsent ? " (unsent)" : ""}: transient ${transient}, a read retried ${read}, a write retried ${write}`, () => {
      expect(isTransient(error)).toBe(transient)
      expect(isRetryable(error)).toBe(read)
      expect(isRetryable(error, { idempotent: false })).toBe(write)
    })
  }
})

describe("one Executions for many linked accounts", () => {
  for (const client of clients) {
    it.scopedLive(`forAccount sends the other account with the same key; a key without an account needs one (through ${client})`, () =>
      Effect.gen(function*() {
        const server = yield* Faults.make(Faults.json(200, Samples.page(1, 10, 1)))
        const layer = Executions.layer.pipe(
          Layer.provide([RefoldAuth.apiKey({ apiKey: API_KEY }), RefoldConfig.layer({ ...fast, baseUrl: server.url }), clientLayer(client)]),
          Layer.orDie
        )
        const [none, acme, globex, bad] = yield* Effect.gen(function*() {
          const executions = yield* Executions
          const acme = yield* Executions.forAccount("acme")
          return [
            yield* Effect.flip(executions.list()),
            yield* acme.list(),
            yield* executions.forAccount("globex").forAccount("initech").get(ID).pipe(Effect.either),
            yield* Effect.flip(executions.forAccount("evil\r\nx-injected: 1").list())
          ] as const
        }).pipe(Effect.provide(layer))
        expect(none).toMatchObject({ _tag: "InvalidArgument", parameter: "linkedAccountId" })
        expect(acme.totalDocs).toBe(1)
        expect(Either.isLeft(globex)).toBe(true) // a page is not a detail: only the headers matter here
        expect(bad).toMatchObject({ _tag: "InvalidArgument", parameter: "linkedAccountId" })
        expect(server.requests.map((r) => [r.headers["x-api-key"], r.headers.linked_account_id])).toEqual([
          [API_KEY, "acme"],
          [API_KEY, "initech"]
        ])
      }))
  }
})

describe("retrySchedule", () => {
  it.scopedLive("replaces the backoff; what is retried stays the SDK's", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.text(503, "down"))
      const schedule = Schedule.recurs(5)
      const result = yield* Effect.either(
        Effect.flatMap(Executions, (e) => e.list()).pipe(Effect.provide(executionsAt(server.url, { retrySchedule: schedule, maxRetries: 0 })))
      )
      expect(Either.isLeft(result) && result.left._tag).toBe("ServerError")
      expect(server.count()).toBe(6)
      const notFound = yield* Faults.make(Faults.text(404, "no"))
      yield* Effect.either(Effect.flatMap(Executions, (e) => e.list()).pipe(Effect.provide(executionsAt(notFound.url, { retrySchedule: schedule }))))
      expect(notFound.count()).toBe(1)
    }))
})

describe("fetch's options", () => {
  /** `FetchHttpClient` over a `fetch` that records the options of every call and answers `body`. */
  const recording = (body: unknown) => {
    const seen: Array<globalThis.RequestInit | undefined> = []
    const given = (async (_input: unknown, init?: globalThis.RequestInit) => {
      seen.push(init)
      return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } })
    }) as unknown as typeof fetch
    const layer = Layer.provide(FetchHttpClient.layer, Layer.succeed(FetchHttpClient.Fetch, given))
    return { layer, seen }
  }
  const get = (layer: Layer.Layer<HttpClient.HttpClient>) =>
    Effect.flatMap(Transport.make, (transport) =>
      transport.request({ method: "GET", path: "/api/v2/public/execution/x", decoder: Transport.decoder(Samples.anyJson) })).pipe(
        Effect.provide(Layer.orDie(Layer.mergeAll(
          RefoldAuth.apiKey({ apiKey: API_KEY, linkedAccountId: "user_12345" }),
          RefoldConfig.layer({ ...fast, baseUrl: "http://127.0.0.1:1" }),
          layer
        )))
      )

  for (const [clock, test] of [["the live clock", it.live], ["the test clock", it.effect]] as const) {
    test(`redirects are never followed, and the application's RequestInit is kept beside that (${clock})`, () =>
      Effect.gen(function*() {
        const { layer, seen } = recording({ ok: 1 })
        expect(yield* get(layer)).toEqual({ ok: 1 })
        const given = { cache: "no-store", redirect: "follow", headers: { "x-extra": "1" } } as const
        expect(yield* Effect.provideService(get(layer), FetchHttpClient.RequestInit, given)).toEqual({ ok: 1 })
        expect(seen.map((init) => [init?.redirect, init?.cache])).toEqual([["manual", undefined], ["manual", "no-store"]])
        // The request's own method and headers reach fetch beside the options, and the application's headers with them.
        const headers = seen.map((init) => new Headers(init?.headers))
        expect(seen.map((init) => init?.method)).toEqual(["GET", "GET"])
        const sent = headers.map((h) => [h.get("x-api-key"), h.get("accept"), h.get("x-extra")])
        expect(sent).toEqual([[API_KEY, "application/json", null], [API_KEY, "application/json", "1"]])
      }))
  }
})
