/**
 * The one place that talks HTTP: builds an authenticated GET, runs it under the retry policy,
 * and turns the answer into a decoded value or a {@link RefoldError}. Requests go through the
 * application's `HttpClient` or `fetch` when it provides one, else straight through the runtime's
 * native client or `fetch` (see {@link exchangeFor} and `exchange.ts`). Everything
 * `@effect/platform` specific lives in these two files, so that moving to Effect 4 replaces them only.
 *
 * @internal
 */
import { FetchHttpClient, HttpClient, HttpClientRequest, UrlParams } from "@effect/platform"
import { ErrorBody, Guard } from "@refold-effect/contract"
import { Clock, Effect, Either, Option, ParseResult, Schema } from "effect"
import { RefoldAuth } from "../RefoldAuth.js"
import { RefoldConfig } from "../RefoldConfig.js"
import { BadRequest, DecodeError, Forbidden, NotFound, RateLimited, type RefoldError, ServerError, Unauthorized } from "../RefoldError.js"
import * as Auth from "./auth.js"
import * as Native from "#native"
import * as Exchange from "./exchange.js"
import * as Retry from "./retry.js"

/** Sends GET requests to the API and decodes their answers. */
export interface Transport {
  readonly get: <A>(path: string, query: Readonly<Record<string, string | undefined>>, decoder: Decoder<A>) => Effect.Effect<A, RefoldError>
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

/** Span attribute holding the request id of the last attempt. */
export const REQUEST_ID = "refold.request_id"

/**
 * How requests are sent: through the application's `HttpClient` if it provides one, else its
 * `FetchHttpClient.Fetch`, else the runtime's native client where there is one (`#native`), else
 * the global `fetch` (looked up at each call, so that it can be replaced later).
 */
const exchangeFor = (headers: Readonly<Record<string, string>>, baseUrl: string) =>
  Effect.gen(function*() {
    const client = yield* Effect.serviceOption(HttpClient.HttpClient)
    if (Option.isSome(client)) return Exchange.viaClient(client.value, HttpClientRequest.setHeaders(HttpClientRequest.get(baseUrl), headers))
    const fetch = yield* Effect.serviceOption(FetchHttpClient.Fetch)
    if (Option.isSome(fetch)) return Exchange.viaFetch(fetch.value, headers)
    if (Native.send !== undefined) return Exchange.viaNative(Native.send, headers)
    return Exchange.viaFetch((input, init) => globalThis.fetch(input, init), headers)
  })

/**
 * Builds the {@link Transport} from the credentials and settings, and the application's
 * `HttpClient` if it provides one.
 */
export const make: Effect.Effect<Transport, never, RefoldAuth | RefoldConfig> = Effect.gen(function*() {
  const settings = yield* RefoldConfig
  const credentials = yield* RefoldAuth
  // Every request differs only in its URL: the headers (and the secrets revealed into them) are set once.
  const headers = { accept: "application/json", ...Auth.headers(credentials) }
  const send = yield* exchangeFor(headers, settings.baseUrl)

  const get = <A>(path: string, query: Readonly<Record<string, string | undefined>>, decoder: Decoder<A>) => {
    const search = UrlParams.toString(UrlParams.fromInput(query))
    const target: Exchange.Target = { method: "GET", url: `${settings.baseUrl}${path}${search === "" ? "" : `?${search}`}` }
    return Retry.run(settings, target, (limit) => Effect.flatMap(send(target, limit), (answer) => interpret(answer, decoder, target)))
  }
  return { get }
})

const decodeErrorBody = Schema.decodeUnknownOption(Schema.parseJson(ErrorBody.ErrorBody))

/** A readable stand-in for a body that is not the vendor's error: its text, tags stripped, shortened. */
const summarise = (status: number, body: string): string => {
  const text = body.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim()
  const short = text.length > 200 ? `${text.slice(0, 200)}…` : text
  return short === "" ? `HTTP ${status} with an empty body` : `HTTP ${status}: ${short}`
}

const interpret = <A>(answer: Exchange.Answer, decoder: Decoder<A>, target: Exchange.Target): Effect.Effect<A, RefoldError> => {
  const { body, status } = answer
  const headerId = answer.header("x-request-id")
  if (status < 200 || status >= 300) return refuse(answer, target)
  // The common case, kept to a handful of operations: annotate, decode, answer.
  const decoded = decoder(body)
  const outcome: Effect.Effect<A, RefoldError> = Either.isRight(decoded)
    ? Effect.succeed(decoded.right)
    : Effect.fail(
      new DecodeError({
        status,
        body,
        message: decoded.left,
        ...(headerId === undefined ? {} : { requestId: headerId }),
        ...target
      })
    )
  return headerId === undefined ? outcome : Effect.zipRight(Effect.annotateCurrentSpan(REQUEST_ID, headerId), outcome)
}

/** A non-2xx answer as the matching {@link RefoldError}, with the vendor's message and request id when the body has them. */
const refuse = (answer: Exchange.Answer, target: Exchange.Target): Effect.Effect<never, RefoldError> =>
  Effect.gen(function*() {
    const { body, status } = answer
    const headerId = answer.header("x-request-id")
    const vendor = Option.getOrUndefined(decodeErrorBody(body))
    const requestId = vendor?.request_id ?? headerId
    if (requestId !== undefined) yield* Effect.annotateCurrentSpan(REQUEST_ID, requestId)
    const errorCode = vendor === undefined ? undefined : ErrorBody.code(vendor)
    const fields = {
      status,
      message: vendor?.message ?? summarise(status, body),
      ...(errorCode === undefined ? {} : { errorCode }),
      ...(requestId === undefined ? {} : { requestId }),
      ...target
    }
    const retryAfter = Retry.parseRetryAfter(answer.header("retry-after"), yield* Clock.currentTimeMillis)
    const withRetryAfter = retryAfter === undefined ? fields : { ...fields, retryAfter }
    return yield* Effect.fail(errorFor(status, fields, withRetryAfter, body))
  })

const errorFor = (
  status: number,
  fields: ConstructorParameters<typeof NotFound>[0],
  withRetryAfter: ConstructorParameters<typeof RateLimited>[0],
  body: string
): RefoldError => {
  if (status === 401) return new Unauthorized(fields)
  if (status === 403) return new Forbidden(fields)
  if (status === 404) return new NotFound(fields)
  if (status === 429) return new RateLimited(withRetryAfter)
  if (status >= 500) return new ServerError(withRetryAfter)
  if (status >= 400) return new BadRequest(fields)
  // 1xx or a redirect that was not followed: not an answer the contract describes.
  return new DecodeError({ ...fields, body, message: `Unexpected HTTP status ${status}` })
}
