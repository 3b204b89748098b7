/**
 * `RefoldMock.stub`: requests matching a WireMock pattern, sent with no scenario header, get the
 * stub's status, body or fault; the newest matching stub wins, a request's own scenario comes first,
 * and bad stubs are explained.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { RefoldMock } from "../src/index.js"
import { accounts, small } from "./support/data.js"

const acme = { "x-api-key": "tk-test", linked_account_id: accounts.acme.linked_account_id }

const send = (path: string, headers: Record<string, string> = {}) =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(HttpClientRequest.get(`https://app.refold.ai${path}`).pipe(HttpClientRequest.setHeaders({ ...acme, ...headers })))
    return { status: response.status, text: yield* response.text }
  }).pipe(Effect.scoped)

describe("RefoldMock.stub", () => {
  layer(RefoldMock.layer({ fixtures: small(20, 2), clock: { speed: 0 } }))((it) => {
    it.effect("answers matching requests with the stub's status, body or fault, the newest first", () =>
      Effect.gen(function* () {
        yield* RefoldMock.reset
        yield* RefoldMock.stub({ method: "GET", urlPath: "/api/v2/public/execution", queryParameters: { status: { equalTo: "ERRORED" } } }, { code: 503 })
        const stubbed = yield* send("/api/v2/public/execution?status=ERRORED")
        expect(stubbed.status).toBe(503)
        expect(JSON.parse(stubbed.text)).toMatchObject({ status_code: 503 })
        expect((yield* send("/api/v2/public/execution?status=COMPLETED")).status).toBe(200)
        yield* RefoldMock.stub({ urlPathPattern: "/api/v2/public/execution" }, { code: 200, body: { docs: [], hello: "stub" } })
        expect(JSON.parse((yield* send("/api/v2/public/execution?status=ERRORED")).text)).toEqual({ docs: [], hello: "stub" })
        // A request's own scenario comes first.
        expect((yield* send("/api/v2/public/execution", { prefer: "code=429" })).status).toBe(429)
        const entries = yield* RefoldMock.requests
        expect(entries[1]!.response?.fault).toBe("stub=200")
        // A stubbed error reads as a stub's too, told apart from a request's own `Prefer: code=`.
        expect(entries[0]!.response?.fault).toBe("code=429")
        expect(entries.at(-1)!.response).toEqual({ status: 503, fault: "stub=503" })
        yield* RefoldMock.reset
        expect((yield* send("/api/v2/public/execution?status=ERRORED")).status).toBe(200)
      }))

    // A stub answered every matching request until cleared: "the first call fails, the retry
    // succeeds" could not be set up without Prefer headers, which an SDK does not send.
    it.effect("answers only the first `times` matching requests, then is spent and removed", () =>
      Effect.gen(function* () {
        yield* RefoldMock.reset
        yield* RefoldMock.stub({ urlPath: "/api/v2/public/execution" }, { code: 503, times: 2 })
        yield* RefoldMock.stub({ urlPath: "/api/v2/public/execution", queryParameters: { status: { equalTo: "ERRORED" } } }, { code: 404, times: 1 })
        expect((yield* send("/api/v2/public/execution?status=ERRORED")).status).toBe(404)
        expect((yield* send("/api/v2/public/execution?status=ERRORED")).status).toBe(503)
        expect((yield* send("/api/v2/public/execution")).status).toBe(503)
        expect((yield* send("/api/v2/public/execution")).status).toBe(200)
        expect((yield* send("/api/v2/public/execution?status=ERRORED")).status).toBe(200)
        const { app } = yield* RefoldMock
        expect(app.stubs.size()).toBe(0)
        for (const times of [0, 1.5, "2", null]) {
          expect((yield* Effect.flip(RefoldMock.stub({}, { code: 503, times } as never))).message).toBe(
            `Invalid stub answer "times": expected a whole number of at least 1, got ${JSON.stringify(times)}`
          )
        }
      }))

    // A stubbed 429 always said `Retry-After: 1`, and a 503 none: a client's handling of a long
    // Retry-After (fail at once past its cap) or of one on a 503 could not be tested with a stub.
    it.effect("send retryAfter as the Retry-After of an error code", () =>
      Effect.gen(function* () {
        yield* RefoldMock.reset
        const retryAfter = (path: string) =>
          Effect.gen(function* () {
            const client = yield* HttpClient.HttpClient
            const response = yield* client.execute(HttpClientRequest.get(`https://app.refold.ai${path}`).pipe(HttpClientRequest.setHeaders(acme)))
            return [response.status, response.headers["retry-after"]]
          }).pipe(Effect.scoped)
        yield* RefoldMock.stub({ urlPath: "/api/v2/public/execution", queryParameters: { status: { equalTo: "ERRORED" } } }, { code: 429, retryAfter: 120 })
        yield* RefoldMock.stub({ urlPath: "/api/v2/public/execution", queryParameters: { status: { equalTo: "RUNNING" } } }, { code: 503, retryAfter: 2 })
        yield* RefoldMock.stub({ urlPath: "/api/v2/public/execution", queryParameters: { status: { equalTo: "STOPPED" } } }, { code: 503 })
        yield* RefoldMock.stub({ urlPath: "/api/v2/public/execution", queryParameters: { status: { equalTo: "COMPLETED" } } }, { code: 429 })
        expect(yield* retryAfter("/api/v2/public/execution?status=ERRORED")).toEqual([429, "120"])
        expect(yield* retryAfter("/api/v2/public/execution?status=RUNNING")).toEqual([503, "2"])
        expect(yield* retryAfter("/api/v2/public/execution?status=STOPPED")).toEqual([503, undefined])
        expect(yield* retryAfter("/api/v2/public/execution?status=COMPLETED")).toEqual([429, "1"])
        for (const value of [-1, 1.5, "30", 86_401]) {
          expect((yield* Effect.flip(RefoldMock.stub({}, { code: 429, retryAfter: value } as never))).message).toBe(
            `Invalid stub answer "retryAfter": expected a whole number of seconds from 0 to 86400, got ${JSON.stringify(value)}`
          )
        }
        for (const answer of [{ retryAfter: 5 }, { code: 200, retryAfter: 5 }, { code: 429, retryAfter: 5, body: {} }, { code: 503, retryAfter: 5, fault: "malformed" as const }]) {
          expect((yield* Effect.flip(RefoldMock.stub({}, answer))).message).toContain("Invalid stub answer: retryAfter goes with an error code")
        }
        yield* RefoldMock.reset
      }))

    it.effect("explains a bad pattern or answer as a RefoldMockError", () =>
      Effect.gen(function* () {
        expect((yield* Effect.flip(RefoldMock.stub({ urlPathPattern: "(" }, { code: 500 }))).message).toContain("Invalid pattern.urlPathPattern")
        expect((yield* Effect.flip(RefoldMock.stub({ headers: { "x-api-key": { equalTo: "k" } } }, { code: 500 }))).message).toContain("without their headers")
        expect((yield* Effect.flip(RefoldMock.stub({}, { code: 302 }))).message).toContain("Invalid stub answer \"code\"")
        expect((yield* Effect.flip(RefoldMock.stub({}, { fault: "explode" as "reset" }))).message).toContain("one of reset, hang")
        expect((yield* Effect.flip(RefoldMock.stub({}, { colour: "red" } as never))).message).toContain("unknown field \"colour\"")
        // A body that would never be sent is refused, not silently dropped; malformed and truncate cut it.
        for (const fault of ["reset", "hang", "empty"] as const) {
          expect((yield* Effect.flip(RefoldMock.stub({}, { body: { a: 1 }, fault }))).message).toBe(`Invalid stub answer: fault=${fault} sends no body, so it cannot be combined with body`)
        }
        // A pattern no API request could match (stubs answer the API's routes) is refused, not kept to never answer.
        expect((yield* Effect.flip(RefoldMock.stub({ method: "GETT" }, { code: 503 }))).message).toBe(
          'Invalid stub pattern method "GETT": no API route has it, so the stub would never answer; expected ANY or one of GET, HEAD, POST, PUT, DELETE'
        )
        expect((yield* Effect.flip(RefoldMock.stub({ urlPath: "/api/v2/public/executions" }, { code: 503 }))).message).toMatch(
          /^Invalid stub pattern urlPath "\/api\/v2\/public\/executions": no API route has this path, so the stub would never answer; the API's paths are \/api\/v2\/public\/execution, /
        )
        expect((yield* Effect.flip(RefoldMock.stub({ url: "/__admin/requests?limit=1" }, { code: 503 }))).message).toContain('Invalid stub pattern url "/__admin/requests"')
        expect((yield* Effect.flip(RefoldMock.stub({ method: "POST", urlPath: "/api/v2/public/execution" }, { code: 503 }))).message).toBe(
          "Invalid stub pattern: no API route answers POST /api/v2/public/execution, so the stub would never answer; its methods are GET, HEAD"
        )
        yield* RefoldMock.stub({ method: "head", url: "/api/v2/public/execution/65410cf6cdf931a12d7ab009?x=1" }, { code: 503 })
        yield* RefoldMock.stub({ method: "POST", urlPath: "/api/v2/public/execution/65410cf6cdf931a12d7ab009/stop" }, { code: 503 })
        yield* RefoldMock.reset
        yield* RefoldMock.stub({}, { body: { a: 1 }, fault: "malformed" })
        expect((yield* send("/api/v2/public/execution")).text).toBe(`{"a":1`)
        yield* RefoldMock.reset
      }))
  })
})
