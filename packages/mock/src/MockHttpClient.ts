/**
 * An `@effect/platform` `HttpClient` whose requests go straight to a mock app's `fetch`: no port, no
 * socket. Any base URL works, since every host routes to the app. Aborting a request (an Effect
 * interruption or timeout) rejects it at once, as with a real `fetch`, even while the app is still
 * answering. A dropped connection (`fault=reset`, or a reset drawn from the global faults) rejects
 * with the `TypeError` undici gives, so a client sees the same network failure as over TCP.
 *
 * @since 0.1.0
 */
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { Layer } from "effect"
import * as Wire from "./internal/Wire.js"
import type { MockApp } from "./MockApp.js"

/** A `fetch` that answers from the mock app in-process. */
export const fetch = (mock: MockApp): typeof globalThis.fetch =>
  ((input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init)
    const signal = request.signal
    if (signal.aborted) return Promise.reject(signal.reason)
    return new Promise<Response>((resolve, reject) => {
      const abort = () => reject(signal.reason)
      signal.addEventListener("abort", abort, { once: true })
      mock
        .fetch(request)
        .then((response) => (Wire.isDropped(response) ? reject(Wire.networkError("socket hang up")) : resolve(response)), reject)
        .finally(() => signal.removeEventListener("abort", abort))
    })
  }) as typeof globalThis.fetch

/** An `HttpClient` backed by the mock app, for `Effect.provide` in tests. */
export const layer = (mock: MockApp): Layer.Layer<HttpClient.HttpClient> =>
  FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch(mock))))
