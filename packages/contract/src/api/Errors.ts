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
 * Adds {@link ErrorBody} as the answer of each of `statuses`, in order:
 * `endpoint.pipe(Errors.at(400, 404, 500))`.
 */
export const at = (first: number, ...rest: ReadonlyArray<number>) =>
<Name extends string, Method extends HttpMethod, Path, UrlParams, Payload, Headers, Success, Error, R, RE>(
  endpoint: HttpApiEndpoint.HttpApiEndpoint<Name, Method, Path, UrlParams, Payload, Headers, Success, Error, R, RE>
) => {
  let out = endpoint.addError(ErrorBody, { status: first })
  for (const status of rest) out = out.addError(ErrorBody, { status })
  return out
}
