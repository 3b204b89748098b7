/**
 * Every response the mock sends: JSON with Express's content type, and an `x-request-id` that equals
 * the `request_id` of an error body. Responses are built as plain `Response`s with plain-object
 * headers, which `@hono/node-server` writes without copying.
 */
import { ErrorBody } from "@refold-effect/contract"
import type { Redacted } from "effect"
import type { Context } from "hono"
import type { IncomingMessage, ServerResponse } from "node:http"
import type { Recording } from "../Journal.js"
import * as Uuid from "./Uuid.js"

/** The Hono environment of the mock's app: what middleware hands on to the handlers. */
export interface MockEnv {
  Variables: {
    /** The id of this request, in the `x-request-id` header and in error bodies. */
    requestId: string
    /** The linked account the request's credentials select. */
    linkedAccountId: string
    /** The named example a scenario asked for (`Prefer: example=...`), read after authentication. */
    example: string | undefined
    /** The API key of a request to the webhook routes: redacted, so that nothing prints it. */
    apiKey: Redacted.Redacted<string>
  }
}

/** The content type Express's `res.json` sends, which the real API is built on. */
export const contentType = "application/json; charset=utf-8"

/** Notes the fault or forced outcome applied to the request, for the journal (in-process `app.fetch` without an `Exchange`: nowhere). */
export const applied = (c: Context<MockEnv>, fault: string): void => {
  const env: unknown = c.env
  if (env instanceof Exchange) env.fault = fault
}

/** A fresh request id. */
export const newRequestId = (): string => Uuid.v4()

/**
 * What `MockApp` hands its app as `env` for each request: `@hono/node-server`'s bindings when the
 * request came over TCP, and what the journal and the last line of defence read back once the
 * response is known, whichever response carried it: the request's id once made, and the fault or
 * forced outcome a scenario applied.
 */
export class Exchange {
  requestId: string | undefined = undefined
  fault: string | undefined = undefined

  constructor(
    readonly incoming: IncomingMessage | undefined,
    readonly outgoing: ServerResponse | undefined,
    /** The request's journal entry, when it is journaled: a route that reads the body keeps it there. */
    readonly recording?: Recording | undefined
  ) {}
}

/** Keeps the body a route read in the request's journal entry, when it is journaled. */
export const journalBody = (c: Context<MockEnv>, text: string): void => {
  const env: unknown = c.env
  if (env instanceof Exchange) env.recording?.body(text)
}

/** The request's id, made on first use (also in the context's `requestId`). */
export const requestId = (c: Context<MockEnv>): string => {
  let id = c.get("requestId")
  if (id === undefined) {
    const env: unknown = c.env
    id = env instanceof Exchange ? (env.requestId ??= newRequestId()) : newRequestId()
    c.set("requestId", id)
  }
  return id
}

/** A JSON response whose body is already serialised (as text, or as UTF-8 bytes). */
export const json = (status: number, body: string | Uint8Array<ArrayBuffer>, requestId: string, headers?: Record<string, string>): Response =>
  new Response(body, { status, headers: { "content-type": contentType, "x-request-id": requestId, ...headers } })

/** An error as the vendor sends it, outside any request context (a transport-level failure). */
export const errorResponse = (
  status: number,
  code: string,
  message: string,
  id: string = newRequestId(),
  headers?: Record<string, string>
): Response => json(status, JSON.stringify(ErrorBody.make(status, code, message, id)), id, headers)

/** An error as the vendor sends it, with this request's id. */
export const error = (c: Context<MockEnv>, status: number, code: string, message: string, headers?: Record<string, string>): Response =>
  errorResponse(status, code, message, requestId(c), headers)

/** One of the errors the vendor documents. */
export const documented = (c: Context<MockEnv>, which: keyof typeof ErrorBody.documented): Response => {
  const [status, code, message] = ErrorBody.documented[which]
  return error(c, status, code, message)
}

/** The error codes of the errors the vendor does not document, as the mock sends them. */
export const codes = {
  invalidQuery: "INVALID_QUERY_PARAMETER",
  routeNotFound: "ROUTE_NOT_FOUND",
  methodNotAllowed: "METHOD_NOT_ALLOWED",
  badRequest: "BAD_REQUEST",
  internal: "SERVER_ERROR"
} as const
