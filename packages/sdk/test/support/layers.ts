/** Layers for tests: the SDK against a URL with short timeouts and backoffs. */
import { FetchHttpClient } from "@effect/platform"
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
 * How the SDK sends requests: as configured by default (no `HttpClient` and no `fetch` provided:
 * Node's own client under Node.js), through a `fetch` the application gives as
 * `FetchHttpClient.Fetch` (here the global one), or through the `HttpClient` an application
 * provides (here the platform's `FetchHttpClient`).
 */
export type Client = "default" | "fetch" | "HttpClient"

/** Every way, for tests that must hold for each. */
export const clients: ReadonlyArray<Client> = ["default", "fetch", "HttpClient"]

/** The layer that selects `client` (nothing for the default). */
export const clientLayer = (client: Client): Layer.Layer<never> | Layer.Layer<FetchHttpClient.Fetch> | typeof FetchHttpClient.layer =>
  client === "default"
    ? Layer.empty
    : client === "fetch"
    ? Layer.succeed(FetchHttpClient.Fetch, (input, init) => globalThis.fetch(input, init))
    : FetchHttpClient.layer

/** Settings of a test, and which client sends its requests (default: the default). */
export interface TestOptions extends RefoldConfigOptions {
  readonly client?: Client | undefined
}

/** `Executions` against `baseUrl`, authenticated with {@link apiKeyAuth} unless told otherwise. */
export const executionsAt = (
  baseUrl: string,
  { client = "default", ...options }: TestOptions = {},
  auth: Layer.Layer<RefoldAuth, unknown> = apiKeyAuth
) =>
  Executions.layer.pipe(
    Layer.provide([auth, RefoldConfig.layer({ ...fast, ...options, baseUrl }), clientLayer(client)]),
    Layer.orDie
  )
