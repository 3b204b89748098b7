/**
 * Per-request scenarios for code that builds its own requests: the SDK sends no `Prefer` header,
 * so the test puts one on every request of the `HttpClient` it provides.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Effect, Layer } from "effect"

/**
 * Every request made through the `HttpClient` carries `Prefer: <scenario>` (such as `fault=hang`
 * or `code=503`). Provide the mock's client under it: `prefer("fault=hang").pipe(Layer.provideMerge(RefoldMock.layer()))`.
 */
export const prefer = (scenario: string): Layer.Layer<HttpClient.HttpClient, never, HttpClient.HttpClient> =>
  Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, HttpClient.mapRequest(HttpClientRequest.setHeader("prefer", scenario)))
  )
