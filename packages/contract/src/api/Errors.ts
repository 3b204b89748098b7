/**
 * The vendor's error body as the answer of an endpoint's error statuses, declared once per endpoint
 * instead of one `addError` per status.
 *
 * @since 0.2.0
 */
import type { HttpApiEndpoint } from "@effect/platform"
import type { HttpMethod } from "@effect/platform/HttpMethod"
import { ErrorBody } from "../ErrorBody.js"

/**
 * What a gateway in front of any route answers when the service behind it is down or slow (the
 * mock's faults answer 502 and 503 by default, with the vendor's body). Declared on every
 * operation, so that a client derived from the definition (`HttpApiClient.make`) decodes them as
 * an {@link ErrorBody} instead of failing on an undeclared status.
 */
export const gateway = [502, 503, 504] as const

/**
 * Adds {@link ErrorBody} as the answer of each of `statuses`, in order, then of each
 * {@link gateway} status: `endpoint.pipe(Errors.at(400, 404, 500))`.
 */
export const at = (first: number, ...rest: ReadonlyArray<number>) =>
<Name extends string, Method extends HttpMethod, Path, UrlParams, Payload, Headers, Success, Error, R, RE>(
  endpoint: HttpApiEndpoint.HttpApiEndpoint<Name, Method, Path, UrlParams, Payload, Headers, Success, Error, R, RE>
) => {
  let out = endpoint.addError(ErrorBody, { status: first })
  for (const status of [...rest, ...gateway]) out = out.addError(ErrorBody, { status })
  return out
}
