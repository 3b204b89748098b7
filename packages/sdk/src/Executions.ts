/**
 * The executions of a linked account: one page, one execution, every page or every execution as a
 * `Stream`. The service is the SDK's entry point; {@link Executions.layer} builds it from
 * `RefoldAuth` and `RefoldConfig` (and the application's `HttpClient`, if it provides one), and
 * {@link Executions.layerConfig} wires both from the environment.
 *
 * @since 0.1.0
 */
import { Execution, Page, RefoldApi } from "@refold-effect/contract"
import { type ConfigError, Context, Effect, Either, Layer, Stream } from "effect"
import * as Paginate from "./internal/paginate.js"
import * as Transport from "./internal/transport.js"
import * as ListParams from "./ListParams.js"
import { RefoldAuth } from "./RefoldAuth.js"
import { RefoldConfig } from "./RefoldConfig.js"
import { BadRequest, type RefoldError } from "./RefoldError.js"

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

/** The page requests {@link Service.pages} and {@link Service.stream} keep in flight unless told otherwise. */
export const defaultReadAhead = 8

/**
 * The operations of the service. Each fails with any {@link RefoldError}: a request can be refused
 * for any HTTP reason (even a list meets a 404 behind a misconfigured base URL), time out, fail in
 * transit or return a body that breaks the contract, and `BadRequest` also covers parameters
 * rejected before anything is sent.
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
   * was there when the walk began is skipped, with or without read-ahead.
   */
  readonly stream: (params?: WalkParams) => Stream.Stream<Execution.Summary, RefoldError>
}

const checkMaxPages = (maxPages: number | undefined): Either.Either<number, BadRequest> =>
  maxPages === undefined
    ? Either.right(Number.POSITIVE_INFINITY)
    : Number.isSafeInteger(maxPages) && maxPages >= 1
    ? Either.right(maxPages)
    : Either.left(new BadRequest({ message: `Invalid option "maxPages": expected a positive integer, got ${String(maxPages)}` }))

const checkReadAhead = (readAhead: number | boolean | undefined): Either.Either<number, BadRequest> =>
  readAhead === undefined || readAhead === true
    ? Either.right(defaultReadAhead)
    : readAhead === false
    ? Either.right(1)
    : Number.isSafeInteger(readAhead) && readAhead >= 0
    ? Either.right(Math.max(1, readAhead))
    : Either.left(
      new BadRequest({ message: `Invalid option "readAhead": expected a boolean or a non-negative integer, got ${String(readAhead)}` })
    )

/** Span options of the SDK's operations: no stack trace captured per call. */
const untraced = { captureStackTrace: false } as const

const executionPath = (executionId: string) => RefoldApi.getPath.replace(":execution_id", encodeURIComponent(executionId))

/** Builds the service; see {@link Executions.layer}. */
export const make: Effect.Effect<Service, never, RefoldAuth | RefoldConfig> = Effect.gen(function*() {
  const transport = yield* Transport.make

  const decodePage = Transport.decoder(Page.ExecutionPage)
  const decodeDetail = Transport.decoder(Execution.Detail)
  const fetchPage = (query: ListParams.Encoded) => transport.get(RefoldApi.listPath, query, decodePage)

  // Traced operations, as `Effect.fn(name)` makes them but without the call-site stack trace it
  // captures on every call: an `Error` per call, measured at about 6 % of a whole `get` (see
  // BENCHMARKS.md), where the span's name already says which operation it was.
  const list = (params?: ListParams.ListParams) =>
    Effect.flatMap(ListParams.encode(params), fetchPage).pipe(Effect.withSpan("Executions.list", untraced))

  const get = (executionId: string) => {
    const answer = typeof executionId !== "string" || executionId.trim() === ""
      ? Effect.fail(new BadRequest({ message: `Invalid execution id: expected a non-empty string, got ${JSON.stringify(executionId)}` }))
      : transport.get(executionPath(executionId), {}, decodeDetail)
    return Effect.withSpan(answer, "Executions.get", { ...untraced, attributes: { "refold.execution_id": executionId } })
  }

  const pages = (params: WalkParams = {}): Stream.Stream<Page.ExecutionPage, RefoldError> =>
    Stream.unwrap(
      Effect.gen(function*() {
        const { maxPages, readAhead, ...listParams } = params
        const walk = {
          maxPages: yield* checkMaxPages(maxPages),
          readAhead: yield* checkReadAhead(readAhead)
        }
        const query = yield* ListParams.encode(listParams)
        const first = query.page === undefined ? 1 : Number(query.page)
        return Paginate.pages(
          (page) => Effect.withSpan(fetchPage({ ...query, page: String(page) }), "Executions.list", { ...untraced, attributes: { "refold.page": page } }),
          { ...walk, first }
        )
      })
    ).pipe(Stream.withSpan("Executions.pages"))

  const stream = (params: WalkParams = {}): Stream.Stream<Execution.Summary, RefoldError> =>
    Paginate.executions(pages(params)).pipe(Stream.withSpan("Executions.stream"))

  return { list, get, pages, stream }
})

/**
 * The executions of the linked account that `RefoldAuth` selects. `yield* Executions` in an
 * Effect to use it; provide {@link Executions.layer} (bring your own `RefoldAuth` and
 * `RefoldConfig`) or {@link Executions.layerConfig} (everything from the environment).
 */
export class Executions extends Context.Tag("@refold-effect/sdk/Executions")<Executions, Service>() {
  /**
   * The service, from `RefoldAuth` and `RefoldConfig`. Requests go through Node's own `http`
   * client where the runtime has one, else the global `fetch`, or the `FetchHttpClient.Fetch` you
   * provide; provide an `HttpClient` (such as `FetchHttpClient.layer`,
   * `NodeHttpClient.layerUndici` or the mock's `MockHttpClient.layer`)
   * to send them through it instead, with its middleware and the platform's `http.client` spans.
   */
  static readonly layer: Layer.Layer<Executions, never, RefoldAuth | RefoldConfig> = Layer.effect(
    Executions,
    make
  )

  /**
   * The service with credentials and settings from the environment (`REFOLD_API_KEY` +
   * `REFOLD_LINKED_ACCOUNT_ID` or `REFOLD_SESSION_TOKEN`, `REFOLD_BASE_URL`, …), over the
   * default client (see {@link Executions.layer}) unless a `fetch` or an `HttpClient` is provided.
   * Fails with a `ConfigError` naming what is missing.
   */
  static readonly layerConfig: Layer.Layer<Executions, ConfigError.ConfigError> = Executions.layer.pipe(
    Layer.provide([RefoldAuth.layerConfig, RefoldConfig.layerConfig])
  )
}
