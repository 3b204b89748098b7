/**
 * `@refold-effect/mock`: a local Refold execution API that answers like the real one, over TCP,
 * in-process, or as the `HttpClient` of an Effect test.
 *
 * @since 0.1.0
 */

export { createMockApp, handler, invalidApiKeys, isCorsOrigin, type Handler, type MockApp, type MockEnv, type MockOptions, type RequestInfo } from "./MockApp.js"

export { serve, type MockServer, type ServeOptions } from "./MockServer.js"

/** An Effect `HttpClient` routed to a mock app in-process. */
export * as MockHttpClient from "./MockHttpClient.js"

/** The indexed executions a mock app serves. */
export * as ExecutionStore from "./ExecutionStore.js"

/** The session tokens a mock app accepts. */
export * as SessionTokens from "./SessionTokens.js"

/** Per-request scenarios: `Prefer: code=429`, `example=seed`, `delay=200`, `fault=reset`. */
export * as Scenario from "./Scenario.js"

/** Global faults: seeded latency, errors, 429s, resets and arrivals. */
export * as Faults from "./Faults.js"

/** The request journal and WireMock's request patterns. */
export * as Journal from "./Journal.js"

/** Webhook deliveries: the transitions that call for them, the clock they retry on, their journal. */
export * as WebhookDeliveries from "./WebhookDeliveries.js"

/** The admin API under `/__admin`. */
export * as Admin from "./Admin.js"

/** `/openapi.json` and the `/docs` API reference. */
export * as Docs from "./Docs.js"

/** The clock an app's executions run on: real time, a speed factor, manual, or Effect's `Clock`. */
export * as MockClock from "./MockClock.js"

/** How executions run on the clock: nodes, outcomes (seeded or forced), stops, transitions. */
export * as Lifecycle from "./Lifecycle.js"

/** Answers set for the requests that match a WireMock pattern. */
export * as Stubs from "./Stubs.js"

/**
 * The data sets an app serves (`DataSet.bundled()`, `DataSet.generate(...)`, `DataSet.load(dir)`) and
 * their types, re-exported from `@refold-effect/fixtures` so that a project installing only the mock
 * (strict under pnpm) can name them.
 */
export { DataSet, Fixture } from "@refold-effect/fixtures"

export { RefoldMock, RefoldMockError } from "./RefoldMock.js"
export type { KitOptions } from "./internal/KitOptions.js"
