/**
 * The errors of the Refold SDK, one `Schema.TaggedError` per outcome a caller may want to handle
 * differently. HTTP answers map by status (400 and other 4xx to {@link BadRequest}, 401, 403, 404,
 * 429, any 5xx to {@link ServerError}), whatever the body (and whatever middleware of the
 * application's `HttpClient` turned the answer into, such as `HttpClient.filterStatusOk`): a gateway's HTML page or a plain-text
 * 401 maps like the vendor's JSON error body, only with less detail.
 *
 * No error ever holds a credential: the fields are the vendor's status, code, message and request
 * id, the request's method and URL (credentials travel in headers, never in the URL), and for
 * {@link DecodeError} the body the server sent. What comes from an answer has the configured key
 * or token replaced by `<redacted>`, in case the server echoed it.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/** Where the failed request went: method and URL (no headers, so never a credential). */
const requestFields = {
  /** HTTP method of the failed request; absent when nothing was sent. */
  method: Schema.optional(Schema.String),
  /** URL of the failed request; absent when nothing was sent. */
  url: Schema.optional(Schema.String)
}

/** What the vendor's error body (or, failing that, the response) says. */
const answerFields = {
  /** The vendor's `error_code`, such as `RESOURCE_NOT_FOUND`, when the body had one. */
  errorCode: Schema.optional(Schema.String),
  /** The vendor's message, or a description of the response when its body was not the vendor's. */
  message: Schema.String,
  /** The request id from the body's `request_id` or the `x-request-id` header, for support tickets. */
  requestId: Schema.optional(Schema.String),
  ...requestFields
}

/** 400, or another 4xx the API has no dedicated status for (its `status` tells which). */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", {
  status: Schema.Number,
  ...answerFields
}) {}

/**
 * A parameter, id, option or credential refused before anything was sent: the message names it.
 * Distinct from {@link BadRequest}, which is the API's own 400. Never retried.
 */
export class InvalidArgument extends Schema.TaggedError<InvalidArgument>()("InvalidArgument", {
  /** The parameter at fault, such as `limit`, `executionId` or `linkedAccountId`. */
  parameter: Schema.String,
  message: Schema.String
}) {}

/**
 * An answer whose body is larger than the cap (`maxBodySize`): announced by its `content-length`,
 * or found while reading or inflating it. Nothing more is read. Not retried.
 */
export class ResponseTooLarge extends Schema.TaggedError<ResponseTooLarge>()("ResponseTooLarge", {
  /** The cap, in bytes. */
  limit: Schema.Number,
  status: Schema.Number,
  message: Schema.String,
  ...requestFields
}) {}

/**
 * A walk (`stream`, `iterate`) that went on fetching pages without finding a new execution: the
 * pages repeat what was emitted while `nextPage` keeps advancing. Ends the walk instead of looping.
 */
export class NoProgress extends Schema.TaggedError<NoProgress>()("NoProgress", {
  /** Pages fetched in a row that brought no new execution. */
  pages: Schema.Number,
  message: Schema.String
}) {}

/** 401: the API key, linked account or session token was not accepted. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", {
  status: Schema.Number,
  ...answerFields
}) {}

/** 403: the credentials are valid but may not do this. */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  status: Schema.Number,
  ...answerFields
}) {}

/** 404: no such execution in this linked account (another account's execution is a 404 too). */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  status: Schema.Number,
  ...answerFields
}) {}

/**
 * 429, after the retries allowed, or at once when the server asked to wait longer than the
 * configured cap (`maxRetryAfter`) or than the time left before the deadline.
 */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  status: Schema.Number,
  /** How long the server asked to wait (`Retry-After`, seconds or HTTP date); absent when it did not say. */
  retryAfter: Schema.optional(Schema.Duration),
  ...answerFields
}) {}

/** A 5xx, after the retries allowed (501 is never retried: the endpoint does not exist there). */
export class ServerError extends Schema.TaggedError<ServerError>()("ServerError", {
  status: Schema.Number,
  /** How long the server asked to wait (`Retry-After` on a 503), when it said. */
  retryAfter: Schema.optional(Schema.Duration),
  ...answerFields
}) {}

/**
 * No answer in time: one attempt ran longer than the per-attempt `timeout` (`kind: "attempt"`,
 * after the retries allowed), or the whole operation reached its `deadline` (`kind: "deadline"`).
 */
export class Timeout extends Schema.TaggedError<Timeout>()("Timeout", {
  kind: Schema.Literal("attempt", "deadline"),
  /** The limit that was reached. */
  timeout: Schema.Duration,
  message: Schema.String,
  ...requestFields
}) {}

/**
 * The request did not get a complete answer: connection refused or reset, DNS failure, a body cut
 * short. Retried; this is the last attempt's failure.
 */
export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  message: Schema.String,
  /**
   * `true` when the failure proves the request never reached the server (the connection was
   * refused): the only transport failure after which a `POST` is sent again.
   */
  unsent: Schema.optional(Schema.Boolean),
  ...requestFields
}) {}

/**
 * A successful response whose body does not match the contract (or is not JSON). Keeps the raw
 * body and the schema's message, which names the offending field.
 */
export class DecodeError extends Schema.TaggedError<DecodeError>()("DecodeError", {
  status: Schema.Number,
  /** The body as received, the configured key or token in it replaced by `<redacted>`. */
  body: Schema.String,
  /** Why it did not decode: the schema's (or JSON parser's) message. */
  message: Schema.String,
  requestId: Schema.optional(Schema.String),
  ...requestFields
}) {}

/**
 * `waitFor` gave up: the execution was not over (`COMPLETED`, `ERRORED`, `STOPPED`, `TIMED_OUT`)
 * within its `timeout`. Distinct from {@link Timeout}, a request that got no answer. The execution
 * itself goes on; `status` is the last one seen.
 */
export class WaitTimeout extends Schema.TaggedError<WaitTimeout>()("WaitTimeout", {
  executionId: Schema.String,
  /** How long `waitFor` waited. */
  timeout: Schema.Duration,
  /** The execution's status at the last poll; absent when no poll answered before the timeout. */
  status: Schema.optional(Schema.String),
  /** Its `completion_percentage` at the last poll, when one answered. */
  completionPercentage: Schema.optional(Schema.Number),
  message: Schema.String
}) {}

/**
 * A call of the Promise client (`@refold-effect/sdk/promise`) after `close()`, or one in flight
 * when it was closed (`inFlight: true`; its request was interrupted). Never an outcome of an
 * Effect operation, so not a member of the {@link RefoldError} union; the Promise client's
 * `RefoldError` (for `instanceof`) and `isRefoldError` include it. Not retried: create a new client.
 */
export class ClientClosed extends Schema.TaggedError<ClientClosed>()("ClientClosed", {
  /** `true` when the call was in flight when the client closed, `false` when it was made after. */
  inFlight: Schema.Boolean,
  message: Schema.String
}) {}

/** Every error the SDK fails with. */
export type RefoldError =
  | InvalidArgument
  | BadRequest
  | Unauthorized
  | Forbidden
  | NotFound
  | RateLimited
  | ServerError
  | Timeout
  | TransportError
  | DecodeError
  | ResponseTooLarge
  | NoProgress
  | WaitTimeout

/** The schema of {@link RefoldError}, for code that serialises errors (journals, RPC). */
export const RefoldError = Schema.Union(
  InvalidArgument,
  BadRequest,
  Unauthorized,
  Forbidden,
  NotFound,
  RateLimited,
  ServerError,
  Timeout,
  TransportError,
  DecodeError,
  ResponseTooLarge,
  NoProgress,
  WaitTimeout
)

const tags: ReadonlySet<string> = new Set(RefoldError.members.map((member) => member._tag))

/** `true` for any of the SDK's errors. */
export const isRefoldError = (u: unknown): u is RefoldError =>
  typeof u === "object" && u !== null && "_tag" in u && tags.has((u as { _tag: string })._tag) && u instanceof Error

/**
 * Whether a failure may go away on its own: a 429, a 5xx other than 501, a transport failure or a
 * timeout. Says nothing about whether sending again is safe: see {@link isRetryable}.
 */
export const isTransient = (error: RefoldError | ClientClosed): boolean => {
  switch (error._tag) {
    case "RateLimited":
    case "TransportError":
    case "Timeout":
      return true
    case "ServerError":
      return error.status !== 501
    default:
      return false
  }
}

/**
 * Whether the SDK sends a request again after `error`. A read (`GET`, `idempotent`, the default)
 * is retried after any {@link isTransient} failure but a deadline `Timeout`. A write (`POST`) that
 * may have reached the server is never repeated: only a 429 or a refused connection (a
 * `TransportError` with `unsent`), which prove it was not processed, are retried.
 */
export const isRetryable = (error: RefoldError | ClientClosed, options?: { readonly idempotent?: boolean | undefined }): boolean => {
  if (options?.idempotent === false) return error._tag === "RateLimited" || (error._tag === "TransportError" && error.unsent === true)
  return isTransient(error) && !(error._tag === "Timeout" && error.kind === "deadline")
}
