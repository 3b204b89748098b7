/**
 * The request core: builds an authenticated request for any method (a JSON body for a `POST`),
 * runs it under the retry policy through the application's `HttpClient` (see `exchange.ts`), and
 * turns the answer into a decoded value or a {@link RefoldError}. An endpoint of the SDK is one
 * call of {@link Transport.request}.
 *
 * @internal
 */
import { HttpClient, HttpClientRequest, UrlParams } from "@effect/platform"
import { ErrorBody, Guard } from "@refold-effect/contract"
import { Clock, Effect, Either, Option, ParseResult, Schema, type Tracer } from "effect"
import { RefoldAuth } from "../RefoldAuth.js"
import { RefoldConfig } from "../RefoldConfig.js"
import {
  BadRequest,
  DecodeError,
  Forbidden,
  InvalidArgument,
  NotFound,
  RateLimited,
  type RefoldError,
  ServerError,
  Unauthorized
} from "../RefoldError.js"
import * as Auth from "./auth.js"
import * as Exchange from "./exchange.js"
import * as Operation from "./operation.js"
import * as Overrides from "./overrides.js"
import * as Retry from "./retry.js"
import { shorten } from "./show.js"

/** One request of an endpoint. */
export interface Request<A> {
  readonly method: "GET" | "POST"
  /** The path below the base URL, its segments already encoded (see {@link segment}). */
  readonly path: string
  readonly query?: Readonly<Record<string, string | undefined>> | undefined
  /** A JSON body (`POST`), serialised by the operation, which knows what to call a value that cannot be. */
  readonly body?: string | undefined
  readonly decoder: Decoder<A>
  /** The linked account to act on, instead of the credentials' own. */
  readonly account?: string | undefined
  /** Request headers of the operation (checked by the caller, see `Auth.checkHeader`). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /**
   * The operation's span, which the request then opens itself (as `Effect.withSpan` would around
   * it); without one, the current span is the operation's.
   */
  readonly span?: Operation.Span | undefined
}

/** Sends requests to the API and decodes their answers. */
export interface Transport {
  readonly request: <A>(request: Request<A>) => Effect.Effect<A, RefoldError>
}

/** Reads a response body as `A`, or says in one message why it is not one. */
export type Decoder<A> = (body: string) => Either.Either<A, string>

/**
 * The {@link Decoder} of a contract schema. A body the schema's compiled guard accepts is the
 * value as parsed (the contract's schemas transform nothing, so decoding would rebuild an equal
 * object, minus the fields the contract does not know yet, which are kept); Effect's parser runs
 * only on a body the guard refuses, to explain it.
 */
export const decoder = <A, I>(schema: Schema.Schema<A, I>): Decoder<A> => {
  const is = Guard.compile(schema)
  const decode = Schema.decodeUnknownEither(schema)
  return (body) => {
    let json: unknown
    try {
      json = JSON.parse(body)
    } catch (e) {
      return Either.left(`The response body is not JSON: ${e instanceof Error ? e.message : String(e)}`)
    }
    return is(json) ? Either.right(json) : Either.mapLeft(decode(json), (error) => ParseResult.TreeFormatter.formatErrorSync(error))
  }
}

/**
 * A path segment, URL-encoded. `.` and `..` must be refused before (see `Executions.checkId`): a
 * URL resolves them as dot segments however they are spelled, `%2E%2E` included.
 */
export const segment = (value: string): string => encodeURIComponent(value)

/** Span attribute holding the request id of the last attempt. */
export const REQUEST_ID = "refold.request_id"

/**
 * Builds the {@link Transport} from the credentials, the settings and the application's
 * `HttpClient`.
 */
export const make: Effect.Effect<Transport, never, RefoldAuth | RefoldConfig | HttpClient.HttpClient> = Effect.gen(function*() {
  const settings = yield* RefoldConfig
  const credentials = yield* RefoldAuth
  const client = yield* HttpClient.HttpClient
  // Whatever an answer says is stripped of the credentials' secret before an error (or a span
  // attribute) holds it: a gateway may echo what it was sent (`Invalid API key tk_…`).
  const redact = Auth.redactor(credentials)
  const send = Exchange.make(client, settings.maxBodySize, redact)
  // The headers of the credentials' own account are set once; another account's, per call.
  const own = Auth.headers(credentials)
  const ownTemplate = own === undefined ? undefined : Exchange.template(own)
  const templateFor = (account: string | undefined): Either.Either<HttpClientRequest.HttpClientRequest, InvalidArgument> => {
    if (account === undefined) return ownTemplate !== undefined ? Either.right(ownTemplate) : Either.left(noAccount)
    // Never the token's own account in place of the one named (see `Auth.tokenAccount`).
    if (credentials._tag === "SessionToken") return Either.left(new InvalidArgument({ parameter: "linkedAccountId", message: Auth.tokenAccount(account) }))
    const problem = Auth.checkAccount(account)
    if (problem !== undefined) return Either.left(new InvalidArgument({ parameter: "linkedAccountId", message: problem }))
    return Either.right(Exchange.template(Auth.headers(credentials, account)!))
  }

  const request = <A>({ account, body, decoder, headers, method, path, query, span }: Request<A>): Effect.Effect<A, RefoldError> => {
    const base = templateFor(account)
    if (Either.isLeft(base)) return span === undefined ? Effect.fail(base.left) : Operation.traced(Effect.fail(base.left), span)
    const template = headers === undefined ? base.right : HttpClientRequest.setHeaders(base.right, headers)
    const search = query === undefined ? "" : UrlParams.toString(UrlParams.fromInput(query))
    const outgoing: Exchange.Outgoing = {
      method,
      url: `${settings.baseUrl}${path}${search === "" ? "" : `?${search}`}`,
      body
    }
    const target: Exchange.Target = { method, url: outgoing.url }
    // The span is opened by the operation and given to each attempt's fiber as its parent span:
    // what `Effect.withSpan` does, minus providing it around the whole call (a copy of the fiber's
    // context and refs, twice, per call). Each attempt, its answer's checks and the retry loop's
    // logs run with it as the current span, so the spans, their attributes and events, and the
    // span an error records are those `Effect.withSpan` gives.
    return Operation.run<A, RefoldError>(span, (opened, inFlight, fiber) => {
      const overrides = fiber.getFiberRef(Overrides.current)
      // The operation's span, annotated in place (see `interpret`).
      const operation = opened ?? fiber.currentSpan
      return Retry.run(
        fiber,
        overrides === undefined ? settings : { ...settings, ...overrides },
        target,
        (limit) => send(outgoing, template, limit, opened, inFlight, (answer) => interpret(answer, decoder, target, settings.baseUrl, operation, redact)),
        method === "GET",
        operation
      )
    })
  }
  return { request }
})

const noAccount = new InvalidArgument({
  parameter: "linkedAccountId",
  // The Effect API's remedies; the Promise client checks first and names its own (see promise.ts).
  message: "No linked account to act on: the API key has no default one (give RefoldAuth.apiKey a linkedAccountId, or set " +
    "REFOLD_LINKED_ACCOUNT_ID for RefoldAuth.layerConfig and Executions.layerConfig), and the call named none (forAccount(id))"
})

const decodeErrorBody = Schema.decodeUnknownOption(Schema.parseJson(ErrorBody.ErrorBody))

/** The longest text an error's `message` or `errorCode` takes from an answer, in characters. */
const MAX_TEXT = 1000

/**
 * `text` cut to {@link MAX_TEXT} characters: a schema's message quotes the value it refused, and a
 * vendor message is what the server wrote, either as long as the body (up to `maxBodySize`). Cut
 * after redacting, so that no part of a secret is left (a `DecodeError`'s `body` keeps the whole).
 */
const brief = (text: string): string => shorten(text, MAX_TEXT)

/** A readable stand-in for a body that is not the vendor's error: its text, tags stripped, shortened. */
const summarise = (status: number, body: string): string => {
  // Tags are stripped, but for the mark of a secret redacted before (see `refuse`): redacting after
  // shortening could leave part of a secret.
  const text = body.replace(/<(?!redacted>)[^>]*>/g, " ").replace(/\s+/g, " ").trim()
  const short = shorten(text, 200)
  return short === "" ? `HTTP ${status} with an empty body` : `HTTP ${status}: ${short}`
}

const interpret = <A>(
  answer: Exchange.Answer,
  decoder: Decoder<A>,
  target: Exchange.Target,
  baseUrl: string,
  span: Tracer.AnySpan | undefined,
  redact: Auth.Redact
): Effect.Effect<A, RefoldError> => {
  const { body, status } = answer
  const header = answer.header("x-request-id")
  const headerId = header === undefined ? undefined : redact(header)
  // The HTTP semantic attributes of the operation's span, set once per answer, in place:
  // `Effect.annotateCurrentSpan` would cost several steps per call.
  if (span?._tag === "Span") {
    span.attribute("http.request.method", target.method)
    span.attribute("url.full", target.url)
    span.attribute("http.response.status_code", status)
    if (headerId !== undefined) span.attribute(REQUEST_ID, headerId)
  }
  // The failures below end the attempt's fiber: marked handled (see `Exchange.handled`).
  if (status < 200 || status >= 300) return Effect.zipRight(Exchange.handled, refuse(answer, target, baseUrl, redact, headerId))
  const decoded = decoder(body)
  return Either.isRight(decoded)
    ? Effect.succeed(decoded.right)
    : Effect.zipRight(
      Exchange.handled,
      Effect.fail(
        new DecodeError({
          status,
          body: redact(body),
          message: brief(redact(decoded.left)),
          ...(headerId === undefined ? {} : { requestId: headerId }),
          ...target
        })
      )
    )
}

/** Where a redirect pointed, as far as an error may say: its origin only (a URL may carry secrets). */
const redirectOf = (location: string | undefined, baseUrl: string): string => {
  if (location === undefined) return "a redirect"
  try {
    return `a redirect to ${new URL(location, baseUrl).origin}`
  } catch {
    return "a redirect"
  }
}

/** A non-2xx answer as the matching {@link RefoldError}, with the vendor's message and request id when the body has them. */
const refuse = (
  answer: Exchange.Answer,
  target: Exchange.Target,
  baseUrl: string,
  redact: Auth.Redact,
  headerId: string | undefined
): Effect.Effect<never, RefoldError> =>
  Effect.gen(function*() {
    const { status } = answer
    // Everything below that comes from the answer is redacted: it ends up in an error.
    const body = redact(answer.body)
    if (status < 200 || (status >= 300 && status < 400)) {
      // 1xx, a redirect (which the SDK never follows, so credentials stay with the API's origin),
      // or a browser's opaque redirect (status 0): not an answer the contract describes.
      const what = status === 0 || (status >= 300 && status < 400)
        ? `${redirectOf(answer.header("location"), baseUrl)}, not followed: the SDK follows no redirects, so that credentials never leave ${new URL(baseUrl).origin}`
        : "not an answer the API gives"
      return yield* Effect.fail(
        new DecodeError({ status, body, message: redact(`Unexpected HTTP status ${status}: ${what}`), ...(headerId === undefined ? {} : { requestId: headerId }), ...target })
      )
    }
    // Decoded from the body as sent, then each field redacted: a secret the JSON spells with
    // escapes (`\u0074k_…`) is only found once decoded.
    const vendor = Option.getOrUndefined(decodeErrorBody(answer.body))
    const vendorId = vendor?.request_id
    const requestId = vendorId === undefined ? headerId : brief(redact(vendorId))
    if (requestId !== undefined) yield* Effect.annotateCurrentSpan(REQUEST_ID, requestId)
    const vendorCode = vendor === undefined ? undefined : ErrorBody.code(vendor)
    const errorCode = vendorCode === undefined ? undefined : brief(redact(vendorCode))
    const fields = {
      status,
      message: vendor?.message === undefined ? summarise(status, body) : brief(redact(vendor.message)),
      ...(errorCode === undefined ? {} : { errorCode }),
      ...(requestId === undefined ? {} : { requestId }),
      ...target
    }
    const retryAfter = Retry.parseRetryAfter(answer.header("retry-after"), yield* Clock.currentTimeMillis)
    const withRetryAfter = retryAfter === undefined ? fields : { ...fields, retryAfter }
    if (status === 401) return yield* Effect.fail(new Unauthorized(fields))
    if (status === 403) return yield* Effect.fail(new Forbidden(fields))
    if (status === 404) return yield* Effect.fail(new NotFound(fields))
    if (status === 429) return yield* Effect.fail(new RateLimited(withRetryAfter))
    if (status >= 500) return yield* Effect.fail(new ServerError(withRetryAfter))
    return yield* Effect.fail(new BadRequest(fields))
  })
