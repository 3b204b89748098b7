/**
 * Starting the mock server: load the data set (validated), build the app, listen, and describe what
 * is being served. The listener lives in a `Scope`: closing the scope closes the server.
 *
 * @since 0.1.0
 */
import { DataSet, type Fixture } from "@refold-effect/fixtures"
import { createMockApp, serve, type Faults, type MockApp, type MockOptions, type MockServer } from "@refold-effect/mock"
import { Effect, Redacted, Schema, type Scope } from "effect"

/** Where the executions come from. */
export type Source =
  | { readonly _tag: "Bundled" }
  | { readonly _tag: "Directory"; readonly dir: string }
  | { readonly _tag: "Generated"; readonly size: number; readonly seed: number; readonly anchor?: string | undefined }

/** Everything the server needs to start. */
export interface Config {
  readonly port: number
  readonly host: string
  readonly source: Source
  /** The accepted API keys; `undefined`: the data set's, else any non-empty key. */
  readonly apiKeys: ReadonlyArray<string> | undefined
  /** Global faults from the start (latency, errors, 429s, resets, arrivals); default none. */
  readonly faults?: Faults.Faults | undefined
  /** When set, `/__admin` (but health) wants `Authorization: Bearer <token>`. */
  readonly adminToken?: Redacted.Redacted<string> | undefined
  /** How fast executions run: 1 real time (default), 60 a minute per second, 0 manual. */
  readonly clockSpeed?: number | undefined
  /** Seed of the executions' outcomes and timings (default 1). */
  readonly lifecycleSeed?: number | undefined
  /** Which browser origins may call the mock (the mock's `cors` option); default any. */
  readonly cors?: Cors | undefined
  /** How webhooks are delivered (retries, backoff, timeout); default the mock's. */
  readonly webhooks?: Webhooks | undefined
}

/** The delivery options the command line sets (the mock's `webhooks` option, without a scheduler). */
export type Webhooks = Pick<NonNullable<MockOptions["webhooks"]>, "retries" | "backoff" | "timeout">

/** A CORS policy: any origin (`"*"`), those listed, or none (`false`). */
export type Cors = NonNullable<MockOptions["cors"]>

/** The server cannot start: a bad data set, a taken port. The message says what and where. */
export class StartupError extends Schema.TaggedError<StartupError>()("StartupError", {
  message: Schema.String
}) {}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** Loads (and validates) or generates the data set of a source. */
export const load = (source: Source): Effect.Effect<Fixture.DataSet, StartupError> =>
  Effect.try({
    try: () => {
      switch (source._tag) {
        case "Bundled":
          return DataSet.bundled()
        case "Directory":
          return DataSet.load(source.dir)
        case "Generated":
          return DataSet.generate({ size: source.size, seed: source.seed, anchor: source.anchor })
      }
    },
    catch: (error) => new StartupError({ message: `invalid data set: ${reason(error)}` })
  })

/** How a source is named in the start-up line. */
export const describeSource = (source: Source): string => {
  switch (source._tag) {
    case "Bundled":
      return "bundled fixtures"
    case "Directory":
      return `fixtures from ${source.dir}`
    case "Generated":
      return `generated, seed ${source.seed}${source.anchor === undefined ? "" : `, as of ${source.anchor}`}`
  }
}

/** A running server and the app behind it. */
export interface Running {
  readonly server: MockServer
  readonly mock: MockApp
}

/** Loads the data, builds the app and listens, until the scope closes. */
export const start = Effect.fn("MockServer.start")(function*(config: Config): Effect.fn.Return<Running, StartupError, Scope.Scope> {
  const data = yield* load(config.source)
  const mock = yield* Effect.acquireRelease(
    Effect.try({
      try: () =>
        createMockApp({
          data,
          apiKeys: config.apiKeys,
          faults: config.faults,
          adminToken: config.adminToken === undefined ? undefined : Redacted.value(config.adminToken),
          clock: { speed: config.clockSpeed },
          lifecycleSeed: config.lifecycleSeed,
          cors: config.cors,
          webhooks: config.webhooks
        }),
      // An option's error names the option (`Invalid apiKeys: the key at index 1 repeats an earlier key`); any other is the data set's.
      catch: (error) => new StartupError({ message: error instanceof Error && error.name === "InvalidOption" ? reason(error) : `invalid data set: ${reason(error)}` })
    }),
    (mock) => Effect.sync(() => mock.close())
  )
  const server = yield* Effect.acquireRelease(
    Effect.tryPromise({
      try: () => serve(mock, { port: config.port, host: config.host }),
      catch: (error) => new StartupError({ message: reason(error) })
    }),
    (server) => Effect.promise(() => server.close())
  )
  return { server, mock }
})

const plural = (n: number, noun: string) => `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`

/**
 * The one start-up line: where it listens and what it serves, and the global faults when any are
 * set (never the admin token or an API key).
 */
export const banner = (running: Running, config: Config): string => {
  const { store } = running.mock
  const speed = running.mock.clock.speed
  const clock = speed === 0 ? "clock manual" : speed === 1 ? "clock real time" : `clock ×${speed}`
  const served = `refold mock listening on ${running.server.url} — ${plural(store.accounts.length, "account")}, ${plural(store.size, "execution")} (${describeSource(config.source)}); ${clock}`
  const faults = running.mock.faults()
  return Object.keys(faults).length === 0
    ? served
    : `${served}; faults: ${JSON.stringify(faults)} (change them with POST ${running.server.url}/__admin/settings)`
}
