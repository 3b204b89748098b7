/** Layers for tests: the SDK against a URL with short timeouts and backoffs. */
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Layer } from "effect"
import { Executions, RefoldAuth, RefoldConfig, type RefoldConfigOptions } from "../../src/index.js"

/**
 * Backoffs short enough that failure paths take milliseconds; timeouts long enough that a loaded CI
 * machine never trips them by accident (tests of timeouts set their own).
 */
export const fast: RefoldConfigOptions = {
  timeout: 5_000,
  deadline: 15_000,
  maxRetries: 2,
  retryDelay: 5,
  maxRetryDelay: 20,
  maxRetryAfter: "2 seconds"
}

/** The API key the tests use; a test asserts it never leaks. */
export const API_KEY = "tk_secret_api_key_0123456789"

/** An org API key for `user_12345`. */
export const apiKeyAuth = RefoldAuth.apiKey({ apiKey: API_KEY, linkedAccountId: "user_12345" })

/**
 * Which `HttpClient` the SDK sends its requests through: the platform's `fetch` client, undici's
 * (`NodeHttpClient.layerUndici`) or Node's own `http` (`NodeHttpClient.layer`).
 */
export type Client = "fetch" | "undici" | "node"

/** Every client, for tests that must hold for each. */
export const clients: ReadonlyArray<Client> = ["fetch", "undici", "node"]

/** The `HttpClient` layer of `client`. */
export const clientLayer = (client: Client): Layer.Layer<HttpClient.HttpClient> =>
  client === "fetch" ? FetchHttpClient.layer : client === "undici" ? NodeHttpClient.layerUndici : NodeHttpClient.layer

/** Settings of a test, and which client sends its requests (default: `fetch`). */
export interface TestOptions extends RefoldConfigOptions {
  readonly client?: Client | undefined
}

/** `Executions` against `baseUrl`, authenticated with {@link apiKeyAuth} unless told otherwise. */
export const executionsAt = (
  baseUrl: string,
  { client = "fetch", ...options }: TestOptions = {},
  auth: Layer.Layer<RefoldAuth, unknown> = apiKeyAuth
) =>
  Executions.layer.pipe(
    Layer.provide([auth, RefoldConfig.layer({ ...fast, ...options, baseUrl }), clientLayer(client)]),
    Layer.orDie
  )
