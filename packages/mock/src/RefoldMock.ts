/**
 * The mock as an Effect test Layer: everything the SDK needs from the network (an `HttpClient`
 * routed to the mock app in-process: no port, no socket) plus the `RefoldMock` service to drive it
 * (journal, faults, reset, session tokens, webhook deliveries).
 *
 * ```ts
 * import { it } from "@effect/vitest"
 * import { RefoldMock } from "@refold-effect/mock"
 *
 * it.layer(RefoldMock.layer({ fixtures: { generate: { size: 100, seed: 1 } } }))((it) => {
 *   it.effect("retries a 503", () =>
 *     Effect.gen(function* () {
 *       yield* RefoldMock.setFaults({ errors: { rate: 0.5, statuses: [503] } })
 *       yield* myCodeThatListsExecutions // uses HttpClient, e.g. through the SDK
 *       expect(yield* RefoldMock.count({ urlPath: "/api/v2/public/execution" })).toBeGreaterThan(1)
 *     }))
 * })
 * ```
 *
 * The mock never imports the SDK: it only provides the `HttpClient` the SDK consumes.
 *
 * @since 0.1.0
 */
import type { HttpClient } from "@effect/platform"
import { Context, Effect, Either, Layer, Redacted, Schema } from "effect"
import type * as Faults from "./Faults.js"
import * as KitOptions from "./internal/KitOptions.js"
import * as Journal from "./Journal.js"
import { createMockApp, type MockApp } from "./MockApp.js"
import * as MockHttpClient from "./MockHttpClient.js"
import * as WebhookDeliveries from "./WebhookDeliveries.js"


/** A mock that could not be built, or a request to it that was not valid (its message says which). */
export class RefoldMockError extends Schema.TaggedError<RefoldMockError>()("RefoldMockError", {
  message: Schema.String
}) {}

/** The journal of the mock app. */
export interface JournalAccess {
  /** The journaled requests, newest first (secrets redacted). */
  readonly requests: Effect.Effect<ReadonlyArray<Journal.Entry>>
  /** How many journaled requests match a WireMock request pattern. */
  readonly count: (pattern: Journal.RequestPattern) => Effect.Effect<number, RefoldMockError>
  /** Forgets every journaled request. */
  readonly clear: Effect.Effect<void>
}

/** The webhook deliveries of the mock app. */
export interface WebhooksAccess {
  /** Every journaled delivery attempt, newest first (signatures redacted). */
  readonly deliveries: Effect.Effect<ReadonlyArray<WebhookDeliveries.Attempt>>
  /** Waits until no delivery is queued, in flight or waiting for a retry. */
  readonly settled: Effect.Effect<void>
  /** Queues the deliveries of an execution's transition, as the lifecycle does; succeeds with how many. */
  readonly deliver: (transition: WebhookDeliveries.Transition) => Effect.Effect<number>
  /** Forgets the delivery journal. */
  readonly clear: Effect.Effect<void>
}

/** What a test can do with its mock. */
export interface Service {
  /** The mock app (its Hono app, store, `fetch`). */
  readonly app: MockApp
  /** A base URL for clients; any URL reaches the app, this is the SDK's default. */
  readonly baseUrl: string
  readonly journal: JournalAccess
  readonly webhooks: WebhooksAccess
  /** Replaces the global faults (the PRNG restarts from their seed). */
  readonly setFaults: (faults: Faults.Faults) => Effect.Effect<void, RefoldMockError>
  /** Back to the start: journal, faults, arrived executions, webhooks and their deliveries. */
  readonly reset: Effect.Effect<void>
  /** A new session token of an account of the data set, for `Authorization: Bearer`. */
  readonly mintSessionToken: (linkedAccountId: string) => Effect.Effect<Redacted.Redacted<string>, RefoldMockError>
}

const attempt = <A>(f: () => A): Effect.Effect<A, RefoldMockError> =>
  Effect.try({ try: f, catch: (e) => new RefoldMockError({ message: e instanceof Error ? e.message : String(e) }) })

/** The service over a mock app. */
export const make = (app: MockApp, baseUrl: string = KitOptions.defaultBaseUrl): Service => ({
  app,
  baseUrl,
  journal: {
    requests: Effect.sync(() => app.journal.requests()),
    count: (pattern) =>
      Either.match(Journal.decodeRequestPattern(pattern), {
        onLeft: (message) => Effect.fail(new RefoldMockError({ message })),
        onRight: (decoded) => Effect.sync(() => app.journal.count(decoded))
      }),
    clear: Effect.sync(() => app.journal.clear())
  },
  webhooks: {
    deliveries: Effect.sync(() => app.webhooks.attempts()),
    settled: Effect.promise(() => app.webhooks.settled()),
    deliver: (transition) => Effect.sync(() => app.webhooks.deliver(transition)),
    clear: Effect.sync(() => app.webhooks.clear())
  },
  setFaults: (faults) => attempt(() => app.setFaults(faults)),
  reset: Effect.sync(() => app.reset()),
  mintSessionToken: (account) => attempt(() => Redacted.make(app.mintSessionToken(account)))
})

/** The mock of an Effect test: the app and its controls. Provided by {@link RefoldMock.layer}. */
export class RefoldMock extends Context.Tag("@refold-effect/mock/RefoldMock")<RefoldMock, Service>() {
  /**
   * A fresh mock app for the test (or `it.layer` block), as the `RefoldMock` service and as the
   * `HttpClient` that reaches it in-process. Fails with {@link RefoldMockError} when the options
   * are invalid (bad faults, a data set that cannot be indexed).
   */
  static readonly layer = (options: KitOptions.KitOptions = {}): Layer.Layer<RefoldMock | HttpClient.HttpClient, RefoldMockError> =>
    Layer.unwrapScoped(
      Effect.gen(function*() {
        // Webhook retries wait on the test's own Clock: `TestClock.adjust` moves them.
        const scheduler = options.webhooks?.scheduler ?? WebhookDeliveries.clockScheduler(yield* Effect.runtime<never>())
        const app = yield* Effect.acquireRelease(
          attempt(() => createMockApp(KitOptions.toMockOptions({ ...options, webhooks: { ...options.webhooks, scheduler } }))),
          // Pending deliveries end with the test.
          (app) => Effect.sync(() => app.webhooks.reset())
        )
        return Layer.merge(Layer.succeed(RefoldMock, make(app, options.baseUrl)), MockHttpClient.layer(app))
      })
    )

  /** The journaled requests, newest first. */
  static readonly requests: Effect.Effect<ReadonlyArray<Journal.Entry>, never, RefoldMock> = Effect.flatMap(RefoldMock, (m) => m.journal.requests)

  /** How many journaled requests match a WireMock request pattern. */
  static readonly count = (pattern: Journal.RequestPattern): Effect.Effect<number, RefoldMockError, RefoldMock> =>
    Effect.flatMap(RefoldMock, (m) => m.journal.count(pattern))

  /** Forgets every journaled request. */
  static readonly clearJournal: Effect.Effect<void, never, RefoldMock> = Effect.flatMap(RefoldMock, (m) => m.journal.clear)

  /** The journaled webhook delivery attempts, newest first (signatures redacted). */
  static readonly deliveries: Effect.Effect<ReadonlyArray<WebhookDeliveries.Attempt>, never, RefoldMock> = Effect.flatMap(RefoldMock, (m) => m.webhooks.deliveries)

  /** Waits until no webhook delivery is queued, in flight or waiting for a retry. */
  static readonly deliveriesSettled: Effect.Effect<void, never, RefoldMock> = Effect.flatMap(RefoldMock, (m) => m.webhooks.settled)

  /** Queues the webhook deliveries of an execution's transition; succeeds with how many. */
  static readonly deliver = (transition: WebhookDeliveries.Transition): Effect.Effect<number, never, RefoldMock> =>
    Effect.flatMap(RefoldMock, (m) => m.webhooks.deliver(transition))

  /** Replaces the global faults. */
  static readonly setFaults = (faults: Faults.Faults): Effect.Effect<void, RefoldMockError, RefoldMock> =>
    Effect.flatMap(RefoldMock, (m) => m.setFaults(faults))

  /** Back to the start: journal, faults, arrived executions, webhooks and their deliveries. */
  static readonly reset: Effect.Effect<void, never, RefoldMock> = Effect.flatMap(RefoldMock, (m) => m.reset)

  /** A new session token of an account of the data set. */
  static readonly mintSessionToken = (linkedAccountId: string): Effect.Effect<Redacted.Redacted<string>, RefoldMockError, RefoldMock> =>
    Effect.flatMap(RefoldMock, (m) => m.mintSessionToken(linkedAccountId))
}
