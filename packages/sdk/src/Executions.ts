/**
 * The executions of a linked account: one page, one execution, every page or every execution as a
 * `Stream`. The service is the SDK's entry point; {@link Executions.layer} builds it from
 * `RefoldAuth`, `RefoldConfig` and the application's `HttpClient`, and
 * {@link Executions.layerConfig} reads the first two from `Config`.
 *
 * @since 0.1.0
 */
import type { HttpClient } from "@effect/platform"
import { Batch, Control, Execution, ListQuery, Page, RefoldApi } from "@refold-effect/contract"
import { Config, type ConfigError, Context, Duration, Effect, Either, Layer, Option, Ref, Schedule, Schema, Stream } from "effect"
import * as Configs from "./internal/configs.js"
import * as Operation from "./internal/operation.js"
import { show } from "./internal/show.js"
import * as Paginate from "./internal/paginate.js"
import * as Transport from "./internal/transport.js"
import * as ListParams from "./ListParams.js"
import * as RefoldAuth from "./RefoldAuth.js"
import * as RefoldConfig from "./RefoldConfig.js"
import { InvalidArgument, type RefoldError, WaitTimeout } from "./RefoldError.js"

/** Parameters of {@link Executions.Service.pages} and {@link Executions.Service.stream}. */
export interface WalkParams extends ListParams.ListParams {
  /**
   * The page to start from (default 1); `limit` sets the page size of the walk.
   */
  readonly page?: number | undefined
  /** Fetch at most this many pages (default: no limit besides the API's own `totalPages`). */
  readonly maxPages?: number | undefined
  /**
   * How many page requests may be in flight at once (default {@link defaultReadAhead}): while the
   * consumer works on one page, the next ones are already on their way. Pages are still emitted
   * in order, each execution once, also when executions arrive during the walk. `false`, `0` or
   * `1` walks page by page; `true` is the default.
   */
  readonly readAhead?: number | boolean | undefined
}

/** Options of {@link Service.watch}. */
export interface WatchOptions {
  /**
   * The pause between the answer to one poll and the next request (default
   * {@link watchDefaults}`.interval`, 2 seconds): a positive duration, in milliseconds or as text
   * such as `"500 millis"`.
   */
  readonly interval?: Duration.DurationInput | undefined
}

/** Options of {@link Service.waitFor}. */
export interface WaitOptions extends WatchOptions {
  /**
   * How long to wait for the execution to end before failing with `WaitTimeout` (default
   * {@link watchDefaults}`.timeout`, 5 minutes); `Infinity` (the number, or `Duration.infinity`)
   * waits as long as it takes. The text `"Infinity"` is refused, as Effect's `Duration` refuses it.
   */
  readonly timeout?: Duration.DurationInput | undefined
}

/** The poll interval of {@link Service.watch} and the timeout of {@link Service.waitFor} when not given. */
export const watchDefaults: { readonly interval: Duration.Duration; readonly timeout: Duration.Duration } = {
  interval: Duration.seconds(2),
  timeout: Duration.minutes(5)
}

/** The page requests {@link Service.pages} and {@link Service.stream} keep in flight unless told otherwise. */
export const defaultReadAhead = 8

/**
 * The operations of the service. Each fails with any {@link RefoldError}: a request can be refused
 * before sending (`InvalidArgument`) or by the API for any HTTP reason (even a list meets a 404
 * behind a misconfigured base URL), time out, fail in transit or return a body that breaks the
 * contract or the size cap.
 */
export interface Service {
  /** One page of executions, newest first (the envelope as the API returns it). */
  readonly list: (params?: ListParams.ListParams) => Effect.Effect<Page.ExecutionPage, RefoldError>
  /** One execution with its nodes. An id the account does not have fails with `NotFound`. */
  readonly get: (executionId: string) => Effect.Effect<Execution.Detail, RefoldError>
  /**
   * Every page from `params.page` (default 1) on, in order. Requests start when the consumer pulls,
   * with up to `readAhead` pages in flight, so memory stays bounded and requests still in flight
   * are interrupted once the consumer stops. Ends after the last page, after `maxPages`, or (with
   * a warning in the log) when the metadata would loop.
   */
  readonly pages: (params?: WalkParams) => Stream.Stream<Page.ExecutionPage, RefoldError>
  /**
   * Every execution summary across {@link Service.pages}, newest first, once each: executions
   * pushed onto a later page by new ones arriving during the walk are not repeated, and none that
   * was there when the walk began is skipped, with or without read-ahead. Pages that bring nothing
   * new ten times in a row end the walk with `NoProgress`.
   */
  readonly stream: (params?: WalkParams) => Stream.Stream<Execution.Summary, RefoldError>
  /**
   * Asks the API to stop a running execution (`POST …/stop`): answers the vendor's message
   * (`Stopping instance`); the execution reads `STOPPING`, then `STOPPED`. `NotFound` for an id
   * the account does not have. Never sent twice unless the first attempt provably was not
   * processed (a 429, a refused connection).
   */
  readonly stop: (executionId: string) => Effect.Effect<Control.StopResult, RefoldError>
  /**
   * Runs an execution again with its original trigger payload (`POST …/rerun`): the new
   * execution's id. Retried only as {@link Service.stop} is.
   */
  readonly rerun: (executionId: string) => Effect.Effect<string, RefoldError>
  /**
   * Follows one execution until it ends: its first snapshot (the {@link Service.get} answer) at
   * once, then, polling every `interval` on Effect's `Clock`, each snapshot that differs from the
   * one before (status, completion, a node, any field); it ends after the snapshot with a terminal
   * status (`COMPLETED`, `ERRORED`, `STOPPED`, `TIMED_OUT`: `Execution.isTerminal`). Each poll is
   * a `get` with the SDK's retries, so a transient failure costs a retry, not the watch; a failure
   * that remains fails the stream. Interrupting it (or leaving it, e.g. with `Stream.take`)
   * stops the polling at once, a request in flight included.
   */
  readonly watch: (executionId: string, options?: WatchOptions) => Stream.Stream<Execution.Detail, RefoldError>
  /**
   * The execution once it has ended (the last snapshot of {@link Service.watch}, whatever its
   * terminal status: check `status` for the outcome). Fails with `WaitTimeout` (the last status
   * seen) when it has not ended within `timeout`, and like `watch` otherwise. Interruptible.
   */
  readonly waitFor: (executionId: string, options?: WaitOptions) => Effect.Effect<Execution.Detail, RefoldError>
  /** One page of the batches of a batch node (`GET …/nodes/:node_id/batches`). */
  readonly batches: (executionId: string, nodeId: string, params?: BatchParams) => Effect.Effect<Batch.BatchPage, RefoldError>
  /** Every batch of a batch node, page after page from `params.page` (default 1), in order. */
  readonly batchStream: (executionId: string, nodeId: string, params?: BatchParams) => Stream.Stream<Batch.Batch, RefoldError>
  /**
   * The same operations on behalf of another linked account, with the same org API key (one
   * `Executions` for every customer of a SaaS backend). A malformed id fails each call with
   * `InvalidArgument`. With a session token, whose account is fixed, each call fails with
   * `InvalidArgument` (parameter `linkedAccountId`) before anything is sent.
   */
  readonly forAccount: (linkedAccountId: string) => Service
}

/** Parameters of {@link Service.batches} and {@link Service.batchStream}. */
export interface BatchParams {
  /** Page number, from 1. */
  readonly page?: number | undefined
  /** Batches per page, 1 to 1000. */
  readonly limit?: number | undefined
  /** Only batches with this status (a node status such as `Success`). */
  readonly status?: string | undefined
}

const invalid = (parameter: string, message: string) => new InvalidArgument({ parameter, message })

const decodeBatchParams = Schema.decodeUnknownEither(Batch.Params)

/** Checks batch parameters with the contract; the query to send. */
const encodeBatchParams = (params: BatchParams = {}): Either.Either<Record<string, string>, InvalidArgument> =>
  Either.flatMap(ListParams.collect(params, ["page", "limit", "status"], "batch parameters"), (raw) =>
    decodeBatchParams(raw).pipe(
      Either.mapBoth({
        onLeft: (error) => {
          const { message, parameter } = ListQuery.explain(error, "Invalid batch parameters")
          return invalid(parameter ?? "params", message)
        },
        onRight: () => raw
      })
    ))

const checkMaxPages = (maxPages: number | undefined): Either.Either<number, InvalidArgument> =>
  maxPages === undefined
    ? Either.right(Number.POSITIVE_INFINITY)
    : Number.isSafeInteger(maxPages) && maxPages >= 1
    ? Either.right(maxPages)
    : Either.left(invalid("maxPages", `Invalid option "maxPages": expected a positive integer, got ${String(maxPages)}`))

const checkReadAhead = (readAhead: number | boolean | undefined): Either.Either<number, InvalidArgument> =>
  readAhead === undefined || readAhead === true
    ? Either.right(defaultReadAhead)
    : readAhead === false
    ? Either.right(1)
    : Number.isSafeInteger(readAhead) && readAhead >= 0
    ? Either.right(Math.max(1, readAhead))
    : Either.left(invalid("readAhead", `Invalid option "readAhead": expected a boolean or a non-negative integer, got ${String(readAhead)}`))

/**
 * Checks an id sent as a path segment: a non-empty string, and not `.` or `..`, which a URL
 * resolves as dot segments (however encoded) and so could never reach the API as an id.
 */
export const checkId = (parameter: string, id: unknown): Either.Either<string, InvalidArgument> =>
  typeof id === "string" && id.trim() !== "" && id !== "." && id !== ".."
    ? Either.right(id)
    : Either.left(invalid(parameter, `Invalid ${parameter}: expected a non-empty string other than "." and "..", got ${JSON.stringify(id)}`))

/** Checks a duration option: positive, and finite unless `infinite` is allowed. */
const checkDuration = (
  parameter: string,
  input: Duration.DurationInput | undefined,
  fallback: Duration.Duration,
  infinite = false
): Either.Either<Duration.Duration, InvalidArgument> => {
  if (input === undefined) return Either.right(fallback)
  const d = Duration.decodeUnknown(input)
  if (Option.isSome(d) && Duration.greaterThan(d.value, Duration.zero) && (infinite || Duration.isFinite(d.value))) return Either.right(d.value)
  return Either.left(
    invalid(
      parameter,
      `Invalid option "${parameter}": expected a positive ${infinite ? "" : "finite "}duration (milliseconds, or such as "10 seconds")${
        infinite ? ", or the number Infinity (or Duration.infinity) for no limit" : ""
      }, got ${show(input)}`
    )
  )
}

/**
 * What two snapshots are compared by: their JSON. The get endpoint's answers are parsed JSON, so
 * equal answers print equally; a snapshot whose `latest_output` or unknown fields change is a
 * change too, which a comparison of the schema's fields alone would miss.
 */
const fingerprint = (detail: Execution.Detail): string => JSON.stringify(detail)

/** Span options of the SDK's operations: no stack trace captured per call. */
export const untraced = Operation.untraced

const executionPath = (executionId: string) => RefoldApi.getPath.replace(":execution_id", Transport.segment(executionId))
const controlPath = (template: string, executionId: string) => template.replace(":execution_id", Transport.segment(executionId))

/** The service over a transport, acting on `account` (the credentials' own when absent). */
const service = (transport: Transport.Transport, account: string | undefined): Service => {
  const decodePage = Transport.decoder(Page.ExecutionPage)
  const decodeDetail = Transport.decoder(Execution.Detail)
  const fetchPage = (query: ListParams.Encoded, span: Operation.Span) =>
    transport.request({ method: "GET", path: RefoldApi.listPath, query, decoder: decodePage, account, span })

  // Traced operations, as `Effect.fn(name)` makes them but without the call-site stack trace it
  // captures on every call: an `Error` per call, measured at about 6 % of a whole `get` (see
  // BENCHMARKS.md), where the span's name already says which operation it was. The transport
  // opens the span of a request it makes (see `Transport.Request.span`); a call refused before
  // gets the same span around its failure.
  const listSpan: Operation.Span = { name: "Executions.list" }
  const list = (params?: ListParams.ListParams) => {
    const query = ListParams.encode(params)
    return Either.isLeft(query) ? Operation.traced(Effect.fail(query.left), listSpan) : fetchPage(query.right, listSpan)
  }

  const get = (executionId: string) => {
    const span: Operation.Span = { name: "Executions.get", attributes: { "refold.execution_id": executionId } }
    const id = checkId("executionId", executionId)
    return Either.isLeft(id)
      ? Operation.traced(Effect.fail(id.left), span)
      : transport.request({ method: "GET", path: executionPath(id.right), decoder: decodeDetail, account, span })
  }

  const pages = (params: WalkParams = {}): Stream.Stream<Page.ExecutionPage, RefoldError> =>
    Stream.unwrap(
      Effect.gen(function*() {
        const { maxPages, readAhead, ...listParams } = yield* ListParams.record<WalkParams>(params, "query parameters")
        const walk = {
          maxPages: yield* checkMaxPages(maxPages),
          readAhead: yield* checkReadAhead(readAhead)
        }
        const query = yield* ListParams.encode(listParams)
        const first = query.page === undefined ? 1 : Number(query.page)
        return Paginate.pages(
          (page) => fetchPage({ ...query, page: String(page) }, { name: "Executions.list", attributes: { "refold.page": page } }),
          { ...walk, first }
        )
      })
    ).pipe(Stream.withSpan("Executions.pages"))

  const stream = (params: WalkParams = {}): Stream.Stream<Execution.Summary, RefoldError> =>
    Paginate.executions(pages(params)).pipe(Stream.withSpan("Executions.stream"))

  const decodeStop = Transport.decoder(Control.StopResult)
  const decodeRerun = Transport.decoder(Control.RerunResult)
  const decodeBatches = Transport.decoder(Batch.BatchPage)

  const control = <A>(name: string, template: string, decoder: Transport.Decoder<A>) => (executionId: string) => {
    const span: Operation.Span = { name, attributes: { "refold.execution_id": executionId } }
    const id = checkId("executionId", executionId)
    return Either.isLeft(id)
      ? Operation.traced(Effect.fail(id.left), span)
      : transport.request({ method: "POST", path: controlPath(template, id.right), decoder, account, span })
  }
  const stop = control("Executions.stop", RefoldApi.stopPath, decodeStop)
  const rerun = (executionId: string) =>
    Effect.map(control("Executions.rerun", RefoldApi.rerunPath, decodeRerun)(executionId), (result) => result.id)

  const fetchBatches = (executionId: string, nodeId: string, query: Record<string, string>) =>
    Effect.gen(function*() {
      const id = yield* checkId("executionId", executionId)
      const node = yield* checkId("nodeId", nodeId)
      const path = RefoldApi.batchesPath.replace(":execution_id", Transport.segment(id)).replace(":node_id", Transport.segment(node))
      return yield* transport.request({ method: "GET", path, query, decoder: decodeBatches, account })
    }).pipe(Effect.withSpan("Executions.batches", { ...untraced, attributes: { "refold.execution_id": executionId, "refold.node_id": nodeId } }))

  const batches = (executionId: string, nodeId: string, params?: BatchParams) =>
    Effect.flatMap(encodeBatchParams(params), (query) => fetchBatches(executionId, nodeId, query))

  const batchStream = (executionId: string, nodeId: string, params?: BatchParams): Stream.Stream<Batch.Batch, RefoldError> =>
    Stream.unwrap(Effect.map(encodeBatchParams(params), (query) => {
      const first = query.page === undefined ? 1 : Number(query.page)
      // Page after page, with the guards of `pages`: metadata that would loop or walk on without
      // end (a next page not after this one, beyond `totalPages`, or after an empty page) ends the
      // walk with a warning.
      return Stream.paginateEffect(first, (page: number) =>
        Effect.flatMap(
          fetchBatches(executionId, nodeId, { ...query, page: String(page) }),
          (answer): Effect.Effect<readonly [ReadonlyArray<Batch.Batch>, Option.Option<number>]> => {
            const next = Page.nextPage(answer)
            if (next === null) return Effect.succeed([answer.docs, Option.none()])
            const reason = Paginate.stopReason(answer, page, 0, Number.POSITIVE_INFINITY)
            return reason === undefined
              ? Effect.succeed([answer.docs, Option.some(next)])
              : Effect.as(Effect.logWarning(`Refold pagination stopped: ${reason}`), [answer.docs, Option.none()] as const)
          }
        )).pipe(Stream.flattenIterables)
    })).pipe(Stream.withSpan("Executions.batchStream"))

  const watch = (executionId: string, options: WatchOptions = {}): Stream.Stream<Execution.Detail, RefoldError> =>
    Stream.unwrap(Effect.map(checkDuration("interval", options.interval, watchDefaults.interval), (interval) =>
      // The first poll at once, the next ones `interval` after each answer (Schedule.spaced, on the Clock).
      Stream.repeatEffectWithSchedule(Effect.map(get(executionId), (detail) => [detail, fingerprint(detail)] as const), Schedule.spaced(interval)).pipe(
        Stream.changesWith((a, b) => a[1] === b[1]),
        Stream.map(([detail]) => detail),
        Stream.takeUntil((detail) => Execution.isTerminal(detail.status))
      ))).pipe(Stream.withSpan("Executions.watch", { ...untraced, attributes: { "refold.execution_id": executionId } }))

  const waitFor = (executionId: string, options: WaitOptions = {}): Effect.Effect<Execution.Detail, RefoldError> =>
    Effect.gen(function*() {
      const timeout = yield* checkDuration("timeout", options.timeout, watchDefaults.timeout, true)
      const last = yield* Ref.make(Option.none<Execution.Detail>())
      const follow = Stream.runForEach(watch(executionId, options), (detail) => Ref.set(last, Option.some(detail)))
      const ended = Duration.isFinite(timeout) ? yield* Effect.timeoutOption(follow, timeout) : yield* Effect.asSome(follow)
      const seen = yield* Ref.get(last)
      if (Option.isSome(ended) && Option.isSome(seen)) return seen.value
      const status = Option.getOrUndefined(Option.map(seen, (detail) => detail.status))
      const completionPercentage = Option.getOrUndefined(Option.map(seen, (detail) => detail.completion_percentage))
      return yield* new WaitTimeout({
        executionId,
        timeout,
        ...(status === undefined ? {} : { status }),
        ...(completionPercentage === undefined ? {} : { completionPercentage }),
        message: status === undefined
          ? `Execution ${executionId}: no poll answered within ${Duration.format(timeout)}`
          : `Execution ${executionId} is still ${status} (${completionPercentage}%) after ${Duration.format(timeout)}`
      })
    }).pipe(Effect.withSpan("Executions.waitFor", { ...untraced, attributes: { "refold.execution_id": executionId } }))

  return { list, get, pages, stream, stop, rerun, batches, batchStream, watch, waitFor, forAccount: (linkedAccountId) => service(transport, linkedAccountId) }
}

/**
 * Builds the service from the credentials, the settings and the application's `HttpClient`: for
 * users who build their own layers (see {@link Executions.layer}).
 */
export const make: Effect.Effect<Service, never, RefoldAuth.RefoldAuth | RefoldConfig.RefoldConfig | HttpClient.HttpClient> = Effect.map(
  Transport.make,
  (transport) => service(transport, undefined)
)

/** Options of {@link Executions.layerConfig}: credentials and settings as `Config`s, one per option. */
export interface ConfigOptions extends RefoldAuth.ConfigOptions, RefoldConfig.ConfigOptions {}

/** Credentials and settings as values: what a whole `Config` of them reads. */
export interface Options extends RefoldAuth.Options, RefoldConfig.Options {}

/**
 * What {@link Executions.layerConfig} (and `Workflows.layerConfig`) take, as a `Config.Wrap` of
 * {@link Options}: one `Config` per option, or one `Config` of them all
 * (`Config.nested(Config.all({ … }), "MYAPP")`). Either way, an option left out comes from its
 * `REFOLD_*` variable, or its default.
 */
export type LayerConfigOptions = ConfigOptions | Config.Config<Options>

/**
 * The layers of `RefoldAuth` and `RefoldConfig` from {@link LayerConfigOptions}: a whole `Config`
 * is read once, and its values split between the two.
 *
 * @internal
 */
export const configLayers = (
  options: LayerConfigOptions
): Layer.Layer<RefoldAuth.RefoldAuth | RefoldConfig.RefoldConfig, ConfigError.ConfigError> => {
  const split = ({ apiKey, linkedAccountId, sessionToken, ...settings }: ConfigOptions) =>
    Layer.merge(RefoldAuth.RefoldAuth.layerConfig({ apiKey, linkedAccountId, sessionToken }), RefoldConfig.RefoldConfig.layerConfig(settings))
  return Config.isConfig(options) ? Layer.unwrapEffect(Effect.map(options, (values) => split(Configs.each(values)))) : split(options)
}

/**
 * The executions of the linked account that `RefoldAuth` selects (or of any account, with
 * {@link Service.forAccount}). `yield* Executions` in an Effect to use it; provide
 * {@link Executions.layer} (bring your own `RefoldAuth`, `RefoldConfig` and `HttpClient`) or
 * {@link Executions.layerConfig} (credentials and settings from `Config`, your `HttpClient`).
 */
export class Executions extends Context.Tag("@refold-effect/sdk/Executions")<Executions, Service>() {
  /**
   * Builds the service from `RefoldAuth`, `RefoldConfig` and an `HttpClient`, for your own layers
   * (`Layer.effect(Executions, Executions.make)`, or a service of your own that wraps it); the
   * same as the module's {@link make}.
   */
  static readonly make: Effect.Effect<Service, never, RefoldAuth.RefoldAuth | RefoldConfig.RefoldConfig | HttpClient.HttpClient> = make

  /**
   * The service, from `RefoldAuth`, `RefoldConfig` and an `HttpClient`: every request goes
   * through that client, with its middleware, proxy, `http.client` spans and trace headers.
   * Provide `FetchHttpClient.layer`, `NodeHttpClient.layerUndici` or, in tests, the mock's
   * `MockHttpClient.layer`.
   */
  static readonly layer: Layer.Layer<Executions, never, RefoldAuth.RefoldAuth | RefoldConfig.RefoldConfig | HttpClient.HttpClient> = Layer
    .effect(Executions, make)

  /**
   * The service with credentials and settings from `Config`: the ones given as `Config`s, the
   * rest from the `REFOLD_*` variables (`REFOLD_API_KEY` + `REFOLD_LINKED_ACCOUNT_ID` or
   * `REFOLD_SESSION_TOKEN`, `REFOLD_BASE_URL`, …). Fails with a `ConfigError` naming what is
   * missing. Still needs an `HttpClient`.
   *
   * ```ts
   * Executions.layerConfig({ apiKey: Config.redacted("MY_KEY"), baseUrl: Config.string("MY_URL") })
   * // Or one Config of them all, e.g. under a prefix: MYAPP_KEY, MYAPP_ACCOUNT.
   * Executions.layerConfig(Config.nested(Config.all({ apiKey: Config.redacted("KEY"), linkedAccountId: Config.string("ACCOUNT") }), "MYAPP"))
   * ```
   */
  static readonly layerConfig = (
    options: LayerConfigOptions = {}
  ): Layer.Layer<Executions, ConfigError.ConfigError, HttpClient.HttpClient> => Executions.layer.pipe(Layer.provide(configLayers(options)))

  /** The service acting on another linked account: `yield* Executions.forAccount("acme")`. */
  static readonly forAccount = (linkedAccountId: string): Effect.Effect<Service, never, Executions> =>
    Effect.map(Executions, (service) => service.forAccount(linkedAccountId))
}
