/**
 * The execution API as an `HttpApi`: both endpoints with their parameters, success and error
 * schemas, and both authentication schemes. The OpenAPI document is generated from it
 * (see `OpenApi.ts`), so the document cannot drift from the schemas the SDK and mock use.
 *
 * @since 0.1.0
 */
import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware, HttpApiSchema, HttpApiSecurity, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { ErrorBody } from "./ErrorBody.js"
import { Detail } from "./Execution.js"
import { Params } from "./ListQuery.js"
import { ExecutionPage } from "./Page.js"

/** Path of the list endpoint. */
export const listPath = "/api/v2/public/execution"

/** Path of the get endpoint, with its `:execution_id` parameter. */
export const getPath = "/api/v2/public/execution/:execution_id"

/**
 * The two ways to authenticate: an org API key in `x-api-key` (with the account in the
 * `linked_account_id` header), or a linked account's session token as `Authorization: Bearer`.
 * The keys are the vendor's own scheme names.
 */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("Authentication", {
  failure: ErrorBody.annotations(HttpApiSchema.annotations({ status: 401 })),
  security: {
    "Org API Key": HttpApiSecurity.annotate(
      HttpApiSecurity.apiKey({ key: "x-api-key", in: "header" }),
      OpenApi.Description,
      "Org API key (test keys start with `tk`, production keys with `pk`). Send the account in the `linked_account_id` header."
    ),
    "Linked Account Token": HttpApiSecurity.annotate(
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


/** `GET /api/v2/public/execution`: one page of the account's executions, newest first. */
export const listExecutions = (
  HttpApiEndpoint.get("listExecutions", listPath)
    .setUrlParams(Params)
    .setHeaders(AccountHeaders)
    .addSuccess(ExecutionPage)
    .addError(ErrorBody, { status: 400 })
    .addError(ErrorBody, { status: 403 })
    .addError(ErrorBody, { status: 429 })
    .addError(ErrorBody, { status: 500 })
    .annotate(OpenApi.Summary, "List executions")
    .annotate(
      OpenApi.Description,
      "A page of the linked account's executions, newest first by `createdAt`, filtered by status, source, type and creation date (whole UTC days, both ends inclusive)."
    )
)

/** `GET /api/v2/public/execution/:execution_id`: one execution with its nodes. */
export const getExecution = (
  HttpApiEndpoint.get("getExecution", getPath)
    .setPath(Schema.Struct({ execution_id: Schema.String }))
    .setHeaders(AccountHeaders)
    .addSuccess(Detail)
    .addError(ErrorBody, { status: 400 })
    .addError(ErrorBody, { status: 403 })
    .addError(ErrorBody, { status: 404 })
    .addError(ErrorBody, { status: 429 })
    .addError(ErrorBody, { status: 500 })
    .annotate(OpenApi.Summary, "Get an execution")
    .annotate(
      OpenApi.Description,
      "One execution of the linked account with per-node status and output. Another account's execution is a 404, exactly like an unknown id."
    )
)

/** The executions group, behind {@link Authentication}. */
export class Executions extends HttpApiGroup.make("executions")
  .add(listExecutions)
  .add(getExecution)
  .middleware(Authentication)
  .annotate(OpenApi.Title, "Executions")
  .annotate(OpenApi.Description, "Workflow executions of a linked account.") {}

/** The Refold public execution API. */
export class RefoldApi extends HttpApi.make("refold")
  .add(Executions)
  .annotateContext(
    OpenApi.annotations({
      title: "Refold public execution API",
      version: "2",
      description:
        "The execution endpoints of the Refold (formerly Cobalt) public API, as implemented by refold-effect's SDK and mock server.",
      servers: [
        { url: "https://app.refold.ai", description: "Refold" },
        { url: "http://127.0.0.1:4010", description: "refold-effect mock server (pnpm start)" }
      ]
    })
  ) {}
