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

/** `Executions` over `fetch` against `baseUrl`, authenticated with {@link apiKeyAuth} unless told otherwise. */
export const executionsAt = (
  baseUrl: string,
  options: RefoldConfigOptions = {},
  auth: Layer.Layer<RefoldAuth, unknown> = apiKeyAuth
) =>
  Executions.layer.pipe(
    Layer.provide([auth, RefoldConfig.layer({ ...fast, ...options, baseUrl }), FetchHttpClient.layer]),
    Layer.orDie
  )
