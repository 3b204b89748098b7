/**
 * The vendor's error body, `{status_code, http_error_type, error_code, message, request_id}`.
 *
 * Decoding is lenient because the vendor's pages disagree: some show `error` in place of
 * `error_code`, `error_type` in place of `http_error_type`, or no `request_id`. {@link code} and
 * {@link type} read either spelling. The mock always sends the canonical form of {@link make}.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/** An error body as any version of the vendor's docs shows it; every field optional. */
export const ErrorBody = Schema.Struct({
  status_code: Schema.optional(Schema.Number),
  http_error_type: Schema.optional(Schema.String),
  error_type: Schema.optional(Schema.String),
  error_code: Schema.optional(Schema.String),
  error: Schema.optional(Schema.String),
  message: Schema.optional(Schema.String),
  request_id: Schema.optional(Schema.String)
}).annotations({ identifier: "ErrorBody", description: "The vendor's error body." })

/** A decoded error body. */
export interface ErrorBody extends Schema.Schema.Type<typeof ErrorBody> {}

/** The canonical error body, as the mock sends it. */
export interface Canonical {
  readonly status_code: number
  readonly http_error_type: string
  readonly error_code: string
  readonly message: string
  readonly request_id: string
}

const httpErrorTypes: Record<number, string> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  422: "UNPROCESSABLE_ENTITY",
  429: "TOO_MANY_REQUESTS",
  500: "INTERNAL_SERVER_ERROR",
  501: "NOT_IMPLEMENTED",
  502: "BAD_GATEWAY",
  503: "SERVICE_UNAVAILABLE",
  504: "GATEWAY_TIMEOUT"
}

/** The `http_error_type` for an HTTP status, such as `NOT_FOUND` for 404. */
export const httpErrorType = (status: number): string =>
  httpErrorTypes[status] ?? (status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST")

/** Builds the canonical error body. */
export const make = (status: number, errorCode: string, message: string, requestId: string): Canonical => ({
  status_code: status,
  http_error_type: httpErrorType(status),
  error_code: errorCode,
  message,
  request_id: requestId
})

/** The error code of a body in either spelling (`error_code`, or `error`). */
export const code = (body: ErrorBody): string | undefined => body.error_code ?? body.error

/** The HTTP error type of a body in either spelling (`http_error_type`, or `error_type`). */
export const type = (body: ErrorBody): string | undefined => body.http_error_type ?? body.error_type

/** The errors the vendor documents in the canonical shape, as `[status, error_code, message]`. */
export const documented = {
  unauthorized: [401, "SERVER_ERROR", "Invalid Credentials"],
  missingLinkedAccount: [400, "INVALID_LINKED_ACCOUNT_ID", "linked_account_id or org_id is required"],
  notFound: [404, "RESOURCE_NOT_FOUND", "Execution not found"],
  batchesNotImplemented: [501, "SERVER_ERROR", "Batch details are not yet available for this execution type"]
} as const satisfies Record<string, readonly [number, string, string]>

/**
 * The 400 of `POST /workflow/:workflow_id/execute` without a `slug` header, as the docs page shows
 * it: not the canonical shape, the problem is in `error`. The mock sends these two fields verbatim,
 * with `status_code`, `http_error_type` and `request_id` added.
 */
export const missingSlug = { message: "Server Error", error: "Workflow ID and slug are required" } as const
