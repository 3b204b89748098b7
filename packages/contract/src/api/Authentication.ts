/**
 * The two ways to authenticate, as an `HttpApiMiddleware` every group of the API sits behind, and
 * the `linked_account_id` header that goes with an API key.
 *
 * @since 0.1.0
 */
import { HttpApiMiddleware, HttpApiSchema, HttpApiSecurity, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { ErrorBody } from "../ErrorBody.js"

/** What a request without valid credentials is answered with: the vendor's error body, 401. */
export const unauthorized = ErrorBody.annotations(HttpApiSchema.annotations({ status: 401 }))

/** The org API key in `x-api-key`, as the vendor names its scheme. */
export const orgApiKey = HttpApiSecurity.annotate(
  HttpApiSecurity.apiKey({ key: "x-api-key", in: "header" }),
  OpenApi.Description,
  "Org API key (test keys start with `tk`, production keys with `pk`). Send the account in the `linked_account_id` header."
)

/**
 * An org API key in `x-api-key` (with the account in the `linked_account_id` header), or a linked
 * account's session token as `Authorization: Bearer`. The keys are the vendor's scheme names
 * ("Org API Key", "Linked Account Token") without their spaces: OpenAPI allows only
 * `^[a-zA-Z0-9._-]+$` in component names, and these keys are the document's security schemes.
 */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("Authentication", {
  failure: unauthorized,
  security: {
    OrgApiKey: orgApiKey,
    LinkedAccountToken: HttpApiSecurity.annotate(
      HttpApiSecurity.bearer,
      OpenApi.Description,
      "Session token (JWT) of a linked account, issued by `POST /api/v2/public/session-token`."
    )
  }
}) {}

/** The `linked_account_id` header, required with an API key and not needed with a session token. */
export const AccountHeaders = Schema.Struct({
  linked_account_id: Schema.optional(Schema.String).annotations({
    description: "The linked account to act on. Required with an org API key; not needed with a session token."
  })
})
