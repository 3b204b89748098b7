/**
 * The one place that talks HTTP: builds an authenticated GET, runs it under the retry policy,
 * and turns the answer into a decoded value or a {@link RefoldError}. Everything `@effect/platform`
 * specific lives here, so that moving to another HTTP client (Effect 4's) replaces this file only.
 *
 * @internal
 */
import { HttpClient, HttpClientRequest, type HttpClientError, type HttpClientResponse, UrlParams } from "@effect/platform"
import { ErrorBody } from "@refold-effect/contract"
import { Clock, Effect, Either, Option, ParseResult, Schema } from "effect"
import { RefoldAuth } from "../RefoldAuth.js"
import { RefoldConfig } from "../RefoldConfig.js"
import {
  BadRequest,
  DecodeError,
  Forbidden,
  NotFound,
  RateLimited,
  type RefoldError,
  ServerError,
  TransportError,
  Unauthorized
} from "../RefoldError.js"
import * as Auth from "./auth.js"
import * as Retry from "./retry.js"

/** Sends GET requests to the API and decodes their answers. */
export interface Transport {
  readonly get: <A, I>(
    path: string,
    query: Readonly<Record<string, string | undefined>>,
    schema: Schema.Schema<A, I>
  ) => Effect.Effect<A, RefoldError>
}

/** Span attribute holding the request id of the last attempt. */
export const REQUEST_ID = "refold.request_id"

/** Builds the {@link Transport} from the configured client, credentials and settings. */
export const make: Effect.Effect<Transport, never, HttpClient.HttpClient | RefoldAuth | RefoldConfig> = Effect.gen(function*() {
  const settings = yield* RefoldConfig
  const credentials = yield* RefoldAuth
  const client = yield* HttpClient.HttpClient
  // Every request differs only in its URL: the headers (and the secrets revealed into them) are set once.
  const template = HttpClientRequest.get(settings.baseUrl).pipe(
    HttpClientRequest.acceptJson,
    HttpClientRequest.setHeaders(Auth.headers(credentials))
  )

  const get = <A, I>(path: string, query: Readonly<Record<string, string | undefined>>, schema: Schema.Schema<A, I>) => {
    const params = UrlParams.fromInput(query)
    const search = UrlParams.toString(params)
    const target: Retry.Target = { method: "GET", url: `${settings.baseUrl}${path}${search === "" ? "" : `?${search}`}` }
    const request = HttpClientRequest.setUrlParams(HttpClientRequest.setUrl(template, `${settings.baseUrl}${path}`), params)
    const attempt = client.execute(request).pipe(
      Effect.flatMap((response) => Effect.map(response.text, (body) => ({ response, body }))),
      Effect.mapError((error) => transportError(error, target)),
      Effect.flatMap(({ body, response }) => interpret(response, body, schema, target))
    )
    return Retry.run(settings, target, attempt)
  }
  return { get }
})

const describeCause = (cause: unknown): string => {
  const parts: Array<string> = []
  for (let c = cause, depth = 0; c !== undefined && c !== null && depth < 4; depth++) {
    if (c instanceof Error) {
      const code = (c as { code?: unknown }).code
      parts.push(typeof code === "string" && !c.message.includes(code) ? `${c.message} (${code})` : c.message)
      c = c.cause
    } else {
      parts.push(String(c))
      break
    }
  }
  return parts.filter((p) => p !== "").join(": ")
}

const transportError = (error: HttpClientError.HttpClientError, target: Retry.Target): TransportError => {
  const why = describeCause(error.cause)
  const what = error._tag === "ResponseError"
    ? "The response body could not be read"
    : error.reason === "Transport"
    ? `The request to ${new URL(target.url).origin} failed`
    : `The request could not be built (${error.reason})`
  return new TransportError({ message: why === "" ? what : `${what}: ${why}`, ...target })
}

const decodeErrorBody = Schema.decodeUnknownOption(Schema.parseJson(ErrorBody.ErrorBody))

/** A readable stand-in for a body that is not the vendor's error: its text, tags stripped, shortened. */
const summarise = (status: number, body: string): string => {
  const text = body.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim()
  const short = text.length > 200 ? `${text.slice(0, 200)}…` : text
  return short === "" ? `HTTP ${status} with an empty body` : `HTTP ${status}: ${short}`
}

const interpret = <A, I>(
  response: HttpClientResponse.HttpClientResponse,
  body: string,
  schema: Schema.Schema<A, I>,
  target: Retry.Target
): Effect.Effect<A, RefoldError> => {
  const status = response.status
  const headerId = response.headers["x-request-id"]
  if (status < 200 || status >= 300) return refuse(response, body, target)
  // The common case, kept to a handful of operations: annotate, decode, answer.
  const decoded = decodeBody(schema, body)
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
const refuse = (response: HttpClientResponse.HttpClientResponse, body: string, target: Retry.Target): Effect.Effect<never, RefoldError> =>
  Effect.gen(function*() {
    const status = response.status
    const headerId = response.headers["x-request-id"]
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
    const retryAfter = Retry.parseRetryAfter(response.headers["retry-after"], yield* Clock.currentTimeMillis)
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

const decodeBody = <A, I>(schema: Schema.Schema<A, I>, body: string): Either.Either<A, string> => {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch (e) {
    return Either.left(`The response body is not JSON: ${e instanceof Error ? e.message : String(e)}`)
  }
  return Schema.decodeUnknownEither(schema)(json).pipe(Either.mapLeft((error) => ParseResult.TreeFormatter.formatErrorSync(error)))
}
