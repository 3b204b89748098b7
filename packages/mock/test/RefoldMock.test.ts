/**
 * `RefoldMock.layer` as a consumer's Effect test uses it: a piece of "user code" that lists
 * executions through the `HttpClient` with a retry policy, tested against the in-process mock with
 * faults, the journal and minted session tokens.
 */
import { HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { Page } from "@refold-effect/contract"
import { describe, expect, it, layer } from "@effect/vitest"
import { Duration, Effect, Exit, Redacted, TestClock } from "effect"
import { RefoldMock, RefoldMockError, SessionTokens } from "../src/index.js"
import { accounts, small } from "./support/data.js"

/** User code: one page of an account's executions, retrying 5xx and 429 a few times. */
const listExecutions = (baseUrl: string, auth: Record<string, string>, params: Record<string, string> = {}) =>
  Effect.gen(function* () {
    const client = (yield* HttpClient.HttpClient).pipe(
      HttpClient.filterStatusOk,
      HttpClient.retry({ while: (e) => e._tag === "ResponseError" && (e.response.status >= 500 || e.response.status === 429), times: 5 })
    )
    return yield* client
      .execute(HttpClientRequest.get(`${baseUrl}/api/v2/public/execution`, { urlParams: params }).pipe(HttpClientRequest.setHeaders(auth)))
      .pipe(Effect.flatMap(HttpClientResponse.schemaBodyJson(Page.ExecutionPage)))
  })

const acme = { "x-api-key": "tk-test", linked_account_id: accounts.acme.linked_account_id }

describe("RefoldMock.layer", () => {
  layer(RefoldMock.layer({ fixtures: small(40, 2) }))((it) => {
    it.effect("gives user code an HttpClient that reaches the in-process mock, and a journal to assert on", () =>
      Effect.gen(function* () {
        const mock = yield* RefoldMock
        yield* RefoldMock.reset
        const page = yield* listExecutions(mock.baseUrl, acme, { status: "ERRORED", limit: "3" })
        expect(page.docs.every((d) => d.status === "ERRORED")).toBe(true)
        expect(yield* RefoldMock.count({ method: "GET", urlPath: "/api/v2/public/execution", queryParameters: { status: { equalTo: "ERRORED" } } })).toBe(1)
        const [entry] = yield* RefoldMock.requests
        expect(entry!.request.headers["x-api-key"]).toBe("[REDACTED]")
        yield* RefoldMock.clearJournal
        expect(yield* RefoldMock.requests).toEqual([])
      }))

    it.effect("puts user code through reproducible faults set at run time, and reset clears them", () =>
      Effect.gen(function* () {
        const run = Effect.gen(function* () {
          yield* RefoldMock.reset
          yield* RefoldMock.setFaults({ seed: 11, errors: { rate: 0.4, statuses: [503] }, rateLimit: { rate: 0.2, retryAfter: 0 } })
          for (let i = 0; i < 8; i++) yield* listExecutions("https://app.refold.ai", acme)
          return (yield* RefoldMock.requests).map((e) => e.response?.status)
        })
        const statuses = yield* run
        expect(statuses.length).toBeGreaterThan(8)
        expect(statuses.filter((s) => s === 200)).toHaveLength(8)
        expect(new Set(statuses)).toEqual(new Set([200, 429, 503]))
        expect(yield* run).toEqual(statuses)
        yield* RefoldMock.reset
        yield* RefoldMock.setFaults({ errors: { rate: 1, statuses: [500] } })
        const exit = yield* Effect.exit(listExecutions("https://app.refold.ai", acme))
        expect(Exit.isFailure(exit)).toBe(true)
        expect(yield* RefoldMock.count({})).toBe(6)
        yield* RefoldMock.reset
        expect((yield* listExecutions("https://app.refold.ai", acme)).docs.length).toBeGreaterThan(0)
      }))

    it.effect("mints session tokens as Redacted, and explains bad input as a RefoldMockError", () =>
      Effect.gen(function* () {
        const token = yield* RefoldMock.mintSessionToken(accounts.globex.linked_account_id)
        expect(String(token)).not.toContain(Redacted.value(token))
        const page = yield* listExecutions("https://app.refold.ai", { authorization: `Bearer ${Redacted.value(token)}` })
        expect(page.docs.every((d) => d.linked_account_id === accounts.globex.linked_account_id)).toBe(true)
        // They live on the test's clock: TestClock.adjust past a day expires them.
        const listWith = Effect.flatMap(HttpClient.HttpClient, (client) => client.get("https://app.refold.ai/api/v2/public/execution", { headers: { authorization: `Bearer ${Redacted.value(token)}` } }))
        yield* TestClock.adjust(Duration.seconds(SessionTokens.TTL_SECONDS - 1))
        expect((yield* listWith).status).toBe(200)
        yield* TestClock.adjust(Duration.seconds(1))
        expect((yield* listWith).status).toBe(401)
        const unknown = yield* Effect.flip(RefoldMock.mintSessionToken("ghost"))
        expect(unknown).toBeInstanceOf(RefoldMockError)
        expect(unknown.message).toContain('unknown linked account "ghost"')
        const badFaults = yield* Effect.flip(RefoldMock.setFaults({ errors: { rate: 3 } }))
        expect(badFaults.message).toContain("Invalid faults.errors.rate")
        const badPattern = yield* Effect.flip(RefoldMock.count({ urlPathPattern: "(" }))
        expect(badPattern.message).toContain("Invalid pattern.urlPathPattern")
      }))
  })

  layer(RefoldMock.layer({ fixtures: { generate: { size: 30, seed: 4 } }, accounts: [{ linked_account_id: "user_12345", org_id: "6500a1b2c3d4e5f6a7b8c9d0", session_tokens: ["my-test-token"] }] }))(
    (it) => {
      it.effect("generates its data set from a seed, and adds the given accounts", () =>
        Effect.gen(function* () {
          const mock = yield* RefoldMock
          expect(mock.app.store.size).toBe(30)
          const page = yield* listExecutions(mock.baseUrl, { authorization: "Bearer my-test-token" })
          expect(page.docs.length).toBeGreaterThan(0)
          expect(page.docs.every((d) => d.linked_account_id === "user_12345")).toBe(true)
        }))
    }
  )

  it.effect("fails to build with a RefoldMockError naming the bad option", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Effect.provide(RefoldMock, RefoldMock.layer({ fixtures: small(3), faults: { latency: { type: "fixed", ms: -1 } } })))
      expect(error).toBeInstanceOf(RefoldMockError)
      expect(error.message).toContain("Invalid faults.latency")
    }))
})
