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
 * **Its clock.** The mock's executions run on Effect's `Clock` plus an offset fixed when the layer
 * is built, so that the mock's time starts at the data set's "now": on a live clock (`it.live`) no
 * offset at all; on `TestClock` (which starts at 1970) the generated set's `anchor` if given, else
 * the system's time when the layer is built. `TestClock.adjust(d)` moves it by exactly `d`, and
 * every time the mock writes (a new execution's `createdAt`, its nodes' times, `completion_time`,
 * `updatedAt`, `instance_execution_time`) comes from that one clock.
 *
 * @since 0.1.0
 */
import type { HttpClient } from "@effect/platform"
import type { Fixture } from "@refold-effect/fixtures"
import { Context, Duration, Effect, Either, Fiber, Layer, Redacted, Runtime, Schema } from "effect"
import type * as Faults from "./Faults.js"
import * as KitOptions from "./internal/KitOptions.js"
import * as Options from "./internal/Options.js"
import * as Journal from "./Journal.js"
import type * as Lifecycle from "./Lifecycle.js"
import { createMockApp, type MockApp } from "./MockApp.js"
import * as MockClock from "./MockClock.js"
import * as MockHttpClient from "./MockHttpClient.js"
import type * as Stubs from "./Stubs.js"
import type * as WebhookDeliveries from "./WebhookDeliveries.js"


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
  /** Back to the start: journal, faults, arrived executions, webhooks and their deliveries, minted session tokens. */
  readonly reset: Effect.Effect<void>
  /** A new session token of an account of the data set, for `Authorization: Bearer`. */
  readonly mintSessionToken: (linkedAccountId: string) => Effect.Effect<Redacted.Redacted<string>, RefoldMockError>
  /** Moves the mock's clock forward (not Effect's), running what falls due. */
  readonly advance: (duration: Duration.DurationInput) => Effect.Effect<void, RefoldMockError>
  /** Adds an execution (a `RUNNING` one starts running on the clock). */
  readonly insert: (execution: Fixture.Record) => Effect.Effect<Fixture.Record, RefoldMockError>
  /** Merges fields into an execution (`{ status: "STOPPING" }` stops it on the clock). */
  readonly update: (id: string, patch: Partial<Fixture.Record>) => Effect.Effect<Fixture.Record, RefoldMockError>
  /** Forces how a running execution ends. */
  readonly force: (id: string, outcome: Lifecycle.Forced) => Effect.Effect<void, RefoldMockError>
  /** Answers the API requests matching a WireMock request pattern (no headers) with a status, a body or a fault. */
  readonly stub: (pattern: Journal.RequestPattern, answer: Stubs.Answer) => Effect.Effect<void, RefoldMockError>
}

const attempt = <A>(f: () => A): Effect.Effect<A, RefoldMockError> =>
  Effect.try({ try: f, catch: (e) => new RefoldMockError({ message: e instanceof Error ? e.message : String(e) }) })

const edited = (result: Either.Either<Fixture.Record, string>) =>
  Either.match(result, { onLeft: (message) => Effect.fail(new RefoldMockError({ message })), onRight: Effect.succeed })

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
  mintSessionToken: (account) => attempt(() => Redacted.make(app.mintSessionToken(account))),
  // A number is taken as it is: Duration would turn a negative one into zero.
  advance: (duration) => attempt(() => app.clock.advance(typeof duration === "number" ? duration : Duration.toMillis(Duration.decode(duration)))),
  insert: (execution) => Effect.suspend(() => edited(app.edits.insert(execution))),
  update: (id, patch) => Effect.suspend(() => edited(app.edits.update(id, patch))),
  force: (id, outcome) => attempt(() => app.lifecycle.force(id, outcome)),
  stub: (pattern, answer) =>
    Effect.suspend(() => Either.match(app.stubs.add(pattern, answer), { onLeft: (message) => Effect.fail(new RefoldMockError({ message })), onRight: () => Effect.void }))
})

/**
 * Effect's `Clock` as the mock clock's time source: its time plus an offset fixed now (see
 * {@link KitOptions.start}: none on a live clock; on `TestClock`, what brings 1970 to the data
 * set's "now"), and its sleeps (forked in the runtime the layer is built in), so that
 * `TestClock.adjust(d)` moves the mock's executions by exactly `d`.
 */
const effectSource = (fixtures: KitOptions.KitOptions["fixtures"]): Effect.Effect<MockClock.Source> => Effect.map(Effect.zip(Effect.clock, Effect.runtime<never>()), ([clock, runtime]) => {
  const read = clock.unsafeCurrentTimeMillis()
  const offset = KitOptions.start(read, fixtures) - read
  return {
    now: () => clock.unsafeCurrentTimeMillis() + offset,
    wait: (ms, wake) => {
      const fiber = Runtime.runFork(runtime)(Effect.sleep(Duration.millis(ms)).pipe(Effect.andThen(Effect.sync(wake))))
      return () => {
        Runtime.runFork(runtime)(Fiber.interrupt(fiber))
      }
    }
  }
})

/** The mock of an Effect test: the app and its controls. Provided by {@link RefoldMock.layer}. */
export class RefoldMock extends Context.Tag("@refold-effect/mock/RefoldMock")<RefoldMock, Service>() {
  /**
   * A fresh mock app for the test (or `it.layer` block), as the `RefoldMock` service and as the
   * `HttpClient` that reaches it in-process. Fails with {@link RefoldMockError} when the options
   * are invalid (an option that could never work or is no option, its message naming it and the
   * value; a data set that cannot be indexed). A data set generated without an
   * `anchor` is as of the day of the mock's clock when the layer is built. The mock's clock is
   * Effect's plus a fixed offset: on `TestClock` it starts at the data set's "now" (see the module
   * doc), and `TestClock.adjust(d)` moves it by exactly `d`.
   */
  static readonly layer = (options: KitOptions.KitOptions = {}): Layer.Layer<RefoldMock | HttpClient.HttpClient, RefoldMockError> =>
    Layer.unwrapScoped(
      Effect.gen(function* () {
        // Options that could never work fail the layer before its clock reads Effect's.
        yield* attempt(() => Options.check(options, KitOptions.checks))
        const source = yield* effectSource(options.fixtures)
        const given = options.clock
        const app = yield* Effect.acquireRelease(
          attempt(() => {
            // Effect's Clock unless a clock of its own is given; a speed applies to Effect's time.
            const clock = given !== undefined && "now" in given ? given : MockClock.make({ source, ...given })
            return createMockApp(KitOptions.toMockOptions(options, clock))
          }),
          (app) => Effect.sync(() => app.close())
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

  /** Back to the start: journal, faults, arrived executions, webhooks and their deliveries, minted session tokens. */
  static readonly reset: Effect.Effect<void, never, RefoldMock> = Effect.flatMap(RefoldMock, (m) => m.reset)

  /**
   * Moves the mock's clock forward by `duration`, running the executions' events that fall due.
   * `TestClock.adjust` moves the mock's clock too (with Effect's), and wakes fibers sleeping on it.
   */
  static readonly advance = (duration: Duration.DurationInput): Effect.Effect<void, RefoldMockError, RefoldMock> =>
    Effect.flatMap(RefoldMock, (m) => m.advance(duration))

  /** Adds an execution; a `RUNNING` one starts running on the clock. */
  static readonly insert = (execution: Fixture.Record): Effect.Effect<Fixture.Record, RefoldMockError, RefoldMock> =>
    Effect.flatMap(RefoldMock, (m) => m.insert(execution))

  /** Merges fields into an execution; `{ status: "STOPPING" }` stops it on the clock. */
  static readonly update = (id: string, patch: Partial<Fixture.Record>): Effect.Effect<Fixture.Record, RefoldMockError, RefoldMock> =>
    Effect.flatMap(RefoldMock, (m) => m.update(id, patch))

  /** Forces how a running execution ends (`{ status: "ERRORED", node: 2 }`). */
  static readonly force = (id: string, outcome: Lifecycle.Forced): Effect.Effect<void, RefoldMockError, RefoldMock> =>
    Effect.flatMap(RefoldMock, (m) => m.force(id, outcome))

  /**
   * Answers the API requests matching a WireMock request pattern (method, url, urlPath,
   * urlPattern, urlPathPattern, queryParameters; no headers, no bodyPatterns) with `{ code, body, example, delay,
   * fault }`, so that code which cannot set `Prefer` headers still meets a 503, a body of your own
   * or a reset. The newest matching stub wins; `reset` clears them.
   */
  static readonly stub = (pattern: Journal.RequestPattern, answer: Stubs.Answer): Effect.Effect<void, RefoldMockError, RefoldMock> =>
    Effect.flatMap(RefoldMock, (m) => m.stub(pattern, answer))

  /** A new session token of an account of the data set. */
  static readonly mintSessionToken = (linkedAccountId: string): Effect.Effect<Redacted.Redacted<string>, RefoldMockError, RefoldMock> =>
    Effect.flatMap(RefoldMock, (m) => m.mintSessionToken(linkedAccountId))
}
