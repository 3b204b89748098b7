/**
 * Hostile servers (issue 16): endless and inflating bodies, redirects to another origin, pages that
 * never progress, dot-segment ids. Each against a server of our own over TCP, through every client.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Stream } from "effect"
import { Executions, type ExecutionsService, type RefoldError } from "../src/index.js"
import * as Faults from "./support/Faults.js"
import { API_KEY, clients, executionsAt, type TestOptions } from "./support/layers.js"
import * as Samples from "./support/samples.js"

const MiB = 1024 * 1024

const run = <A>(url: string, f: (executions: ExecutionsService) => Effect.Effect<A, RefoldError>, options: TestOptions) =>
  Effect.either(Effect.flatMap(Executions, f).pipe(Effect.provide(executionsAt(url, options))))

const failure = <A>(result: Either.Either<A, RefoldError>): RefoldError => {
  if (Either.isRight(result)) throw new Error(`expected a failure, got a success`)
  return result.left
}

for (const client of clients) {
  describe(`hostile servers (through ${client})`, () => {
    const options = (more: Record<string, unknown> = {}) => ({ client, maxRetries: 2, timeout: 10_000, ...more }) as TestOptions

    it.scopedLive("an endless body ends in ResponseTooLarge naming the cap, not retried", () =>
      Effect.gen(function*() {
        const server = yield* Faults.make(Faults.endless())
        const error = failure(yield* run(server.url, (e) => e.list(), options({ maxBodySize: MiB })))
        expect(error).toMatchObject({ _tag: "ResponseTooLarge", limit: MiB })
        expect(error.message).toContain("1048576 bytes")
        expect(server.count()).toBe(1)
      }))

    it.scopedLive("a content-length beyond the cap is refused before the body is read", () =>
      Effect.gen(function*() {
        const server = yield* Faults.make(Faults.endless(64 * 1024 * MiB))
        const started = Date.now()
        const error = failure(yield* run(server.url, (e) => e.get("65410cf6cdf931a12d7ab009"), options({ maxBodySize: MiB })))
        expect(error).toMatchObject({ _tag: "ResponseTooLarge", limit: MiB })
        expect(error.message).toMatch(/content-length/)
        expect(Date.now() - started).toBeLessThan(3_000)
      }))

    // fetch inflates what it is sent; undici's and Node's clients hand over the bytes as sent
    // (the SDK asks for no compression), which are then no JSON: bounded either way.
    it.scopedLive(`a gzip bomb is stopped while inflating${client === "fetch" ? "" : " (not inflated by this client)"}`, () =>
      Effect.gen(function*() {
        const server = yield* Faults.make(Faults.bomb(64 * MiB))
        const error = failure(yield* run(server.url, (e) => e.list(), options({ maxBodySize: MiB })))
        expect(error._tag).toBe(client === "fetch" ? "ResponseTooLarge" : "DecodeError")
        if (error._tag === "ResponseTooLarge") expect(error.limit).toBe(MiB)
        if (error._tag === "DecodeError") expect(error.body.length).toBeLessThan(MiB)
      }))

    it.scopedLive("the default cap lets a large real page through (1,000 executions)", () =>
      Effect.gen(function*() {
        const server = yield* Faults.make(Faults.json(200, Samples.page(1, 1000, 1000)))
        const page = yield* Effect.flatMap(Executions, (e) => e.list({ limit: 1000 })).pipe(Effect.provide(executionsAt(server.url, { client })))
        expect(page.docs).toHaveLength(1000)
      }))

    for (const status of [301, 302, 303, 307, 308]) {
      it.scopedLive(`a ${status} to another origin is not followed: the credentials stay home`, () =>
        Effect.gen(function*() {
          const elsewhere = yield* Faults.make(Faults.json(200, Samples.page(1, 10, 3)))
          const server = yield* Faults.make(Faults.redirect(status, `${elsewhere.url}/api/v2/public/execution`))
          const error = failure(yield* run(server.url, (e) => e.list(), options()))
          expect(error._tag).toBe("DecodeError")
          expect(error.message).toContain(`redirect`)
          expect(elsewhere.count()).toBe(0)
          expect(server.count()).toBe(1)
          expect(JSON.stringify(error)).not.toContain(API_KEY)
        }))
    }

    it.scopedLive("a redirect to the same origin is not followed either (one policy)", () =>
      Effect.gen(function*() {
        const server = yield* Faults.make()
        server.script(Faults.redirect(302, "/api/v2/public/execution?page=2"), Faults.json(200, Samples.page(2, 10, 30)))
        const error = failure(yield* run(server.url, (e) => e.list(), options()))
        expect(error).toMatchObject({ _tag: "DecodeError", status: 302 })
        expect(server.count()).toBe(1)
      }))

    it.scopedLive("a walk whose pages repeat the same executions while nextPage advances ends with NoProgress", () =>
      Effect.gen(function*() {
        const total = 10 * 10_000
        const server = yield* Faults.make()
        // Every page claims to be the next one of a long listing, and carries page 1's executions.
        server.script(...Array.from({ length: 200 }, (_, i) => Faults.json(200, { ...Samples.page(i + 1, 10, total), docs: Samples.page(1, 10, total).docs })))
        const result = yield* Effect.either(
          Effect.flatMap(Executions, (e) => Stream.runCount(e.stream({ limit: 10 }))).pipe(Effect.provide(executionsAt(server.url, options())))
        )
        const error = failure(result)
        expect(error._tag).toBe("NoProgress")
        expect(error.message).toMatch(/no new execution/)
        // A few pages past the last one that brought something new, and the pages read ahead.
        expect(server.count()).toBeLessThan(30)
      }))

    // A 204 (or 205) has no body at all: `fetch` hands over none rather than an empty one. It is an
    // answer, so a DecodeError (no JSON), sent once: never a TransportError, never retried.
    for (const status of [204, 205]) {
      it.scopedLive(`a ${status} with no body is a DecodeError, sent once, for a read and a write`, () =>
        Effect.gen(function*() {
          const server = yield* Faults.make(Faults.text(status, "", "application/json"))
          const read = failure(yield* run(server.url, (e) => e.get("65410cf6cdf931a12d7ab009"), options()))
          const write = failure(yield* run(server.url, (e) => e.stop("65410cf6cdf931a12d7ab009"), options()))
          expect(read).toMatchObject({ _tag: "DecodeError", status, body: "" })
          expect(write).toMatchObject({ _tag: "DecodeError", status, body: "" })
          expect(server.count()).toBe(2)
        }))
    }

    // The schema's "actual" quotes the value, and a vendor message is whatever the server wrote:
    // either could be the whole body (up to maxBodySize). The message stays readable; a
    // DecodeError's `body` keeps the whole answer.
    it.scopedLive("a huge wrong body or vendor message gives a short message; the body stays in `body`", () =>
      Effect.gen(function*() {
        const huge = Array.from({ length: 20_000 }, (_, i) => ({ i, pad: "x".repeat(20) }))
        const wrong = yield* Faults.make(Faults.json(200, huge))
        const decode = failure(yield* run(wrong.url, (e) => e.get("65410cf6cdf931a12d7ab009"), options()))
        expect(decode._tag).toBe("DecodeError")
        expect(decode.message.length).toBeLessThanOrEqual(1001)
        expect(decode.message).toMatch(/^Expected ExecutionDetail, actual \[\{"i":0/)
        if (decode._tag === "DecodeError") expect(decode.body).toBe(JSON.stringify(huge))
        const vendor = yield* Faults.make(Faults.json(404, Samples.errorBody(404, "E".repeat(100_000), "m".repeat(1_000_000))))
        const notFound = failure(yield* run(vendor.url, (e) => e.get("65410cf6cdf931a12d7ab009"), options()))
        expect(notFound).toMatchObject({ _tag: "NotFound", status: 404, requestId: "req-123" })
        expect(notFound.message.length).toBeLessThanOrEqual(1001)
        expect(notFound.message).toMatch(/^m+…$/)
        if (notFound._tag === "NotFound") expect(notFound.errorCode?.length).toBeLessThanOrEqual(1001)
      }))

    // A URL resolves `.` and `..` (and `%2E%2E`) as dot segments: no spelling reaches the server as
    // an id, so they are refused before sending; other ids with dots are sent encoded.
    it.scopedLive("get of '.' or '..' is refused before sending, not sent as a dot segment", () =>
      Effect.gen(function*() {
        const server = yield* Faults.make(Faults.json(404, Samples.errorBody(404, "RESOURCE_NOT_FOUND", "Execution not found")))
        const [dots, dot, other] = Either.getOrThrow(
          yield* run(server.url, (e) => Effect.all([Effect.either(e.get("..")), Effect.either(e.get(".")), Effect.either(e.get("a/../b"))]), options())
        ).map((result) => Either.isLeft(result) ? result.left : undefined)
        expect(dots).toMatchObject({ _tag: "InvalidArgument", parameter: "executionId" })
        expect(dot).toMatchObject({ _tag: "InvalidArgument", parameter: "executionId" })
        expect(other?._tag).toBe("NotFound")
        expect(server.requests.map((r) => r.url)).toEqual(["/api/v2/public/execution/a%2F..%2Fb"])
      }))
  })
}
