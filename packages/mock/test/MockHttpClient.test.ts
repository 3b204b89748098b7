import { HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { Page } from "@refold-effect/contract"
import { describe, expect, it, layer } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, TestClock } from "effect"
import { createMockApp, MockHttpClient, type MockApp } from "../src/index.js"
import { accounts, small } from "./support/data.js"

const mock = createMockApp({ data: small(25) })
const headers = { "x-api-key": "tk-1", linked_account_id: accounts.acme.linked_account_id }

describe("MockHttpClient", () => {
  layer(MockHttpClient.layer(mock))((it) => {
    it.effect("sends an HttpClient's requests to the app in-process, whatever the base URL", () =>
      Effect.gen(function* () {
        const client = yield* HttpClient.HttpClient
        for (const base of ["https://app.refold.ai", "http://localhost:1", "https://api.gocobalt.io"]) {
          const page = yield* client
            .execute(HttpClientRequest.get(`${base}/api/v2/public/execution`, { urlParams: { limit: 3, status: "All" } }).pipe(HttpClientRequest.setHeaders(headers)))
            .pipe(Effect.flatMap(HttpClientResponse.schemaBodyJson(Page.ExecutionPage)))
          expect(page.docs).toHaveLength(3)
          expect(page.docs.every((d) => d.linked_account_id === accounts.acme.linked_account_id)).toBe(true)
        }
      }))

    it.effect("passes statuses, headers and error bodies through", () =>
      Effect.gen(function* () {
        const client = yield* HttpClient.HttpClient
        const response = yield* client.get("http://mock/api/v2/public/execution/65410cf6cdf931a12d7ab000", { headers })
        expect(response.status).toBe(404)
        const body = (yield* response.json) as { request_id: string; message: string }
        expect(body.message).toBe("Execution not found")
        expect(response.headers["x-request-id"]).toBe(body.request_id)
      }))
  })

  it.effect("rejects at once when the request is interrupted, even if the app has not answered", () =>
    Effect.gen(function* () {
      let answer: (r: Response) => void = () => {}
      const hanging: MockApp = { ...mock, fetch: () => new Promise<Response>((resolve) => (answer = resolve)) }
      const fiber = yield* HttpClient.get("http://mock/api/v2/public/execution").pipe(
        Effect.timeout(Duration.seconds(5)),
        Effect.provide(MockHttpClient.layer(hanging)),
        Effect.fork
      )
      yield* TestClock.adjust(Duration.seconds(6))
      const exit = yield* Fiber.await(fiber)
      expect(Exit.isFailure(exit)).toBe(true)
      expect(String(exit)).toContain("TimeoutException")
      answer(new Response("late"))
    }))

  it("offers a plain fetch for non-Effect clients", async () => {
    const fetch = MockHttpClient.fetch(mock)
    const response = await fetch("https://app.refold.ai/api/v2/public/execution?limit=1", { headers: { authorization: "Bearer tok-globex" } })
    expect(response.status).toBe(200)
    const aborted = new AbortController()
    aborted.abort(new Error("cancelled"))
    await expect(fetch("https://x/api/v2/public/execution", { signal: aborted.signal })).rejects.toThrow("cancelled")
  })

  it("rejects a pending fetch as soon as its signal aborts", async () => {
    const hanging: MockApp = { ...mock, fetch: () => new Promise<Response>(() => {}) }
    const controller = new AbortController()
    const pending = MockHttpClient.fetch(hanging)("https://x/api/v2/public/execution", { signal: controller.signal })
    controller.abort(new Error("gave up"))
    await expect(pending).rejects.toThrow("gave up")
  })
})
