/**
 * The webhooks group: the subscription operations (`/api/v2/public/webhook`). Webhooks are an org-level resource: they are managed with the org API key alone
 * (no `linked_account_id`), and a delivery is signed with that key.
 *
 * The vendor answers an unknown webhook id with 400 `RESOURCE_NOT_FOUND` "Webhook not found"
 * (its pages show no 404 for webhooks); this contract follows the pages.
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware, OpenApi } from "@effect/platform"
import { orgApiKey, unauthorized } from "./Authentication.js"
import * as Errors from "./Errors.js"
import * as Webhook from "../Webhook.js"

/** Path of the list and create operations. */
export const webhooksPath = "/api/v2/public/webhook"

/** Path of the get, update and delete operations, with its `:id` parameter. */
export const webhookPath = "/api/v2/public/webhook/:id"

/** The org API key in `x-api-key`: the only credential the webhook operations take. */
export class OrgAuthentication extends HttpApiMiddleware.Tag<OrgAuthentication>()("OrgAuthentication", {
  failure: unauthorized,
  security: { OrgApiKey: orgApiKey }
}) {}

/** `GET /api/v2/public/webhook`: every subscription of the key's org and environment. */
export const listWebhooks = HttpApiEndpoint.get("listWebhooks", webhooksPath)
  .addSuccess(Webhook.Webhooks)
  .pipe(Errors.at(400, 429, 500))
  .annotate(OpenApi.Summary, "List webhooks")
  .annotate(OpenApi.Description, "Every webhook subscription registered with this API key's org and environment, oldest first.")

/** `POST /api/v2/public/webhook`: registers a subscription. */
export const registerWebhook = HttpApiEndpoint.post("registerWebhook", webhooksPath)
  .setPayload(Webhook.Create)
  .addSuccess(Webhook.Webhook)
  .pipe(Errors.at(400, 413, 429, 500))
  .annotate(OpenApi.Summary, "Register a webhook")
  .annotate(
    OpenApi.Description,
    "Registers a webhook for the org and environment of the API key. An event that is not documented is a 400 `INVALID_EVENT`. `url`/`events` are accepted for `webhook_url`/`webhook_events`; the answer uses the latter."
  )

/** `GET /api/v2/public/webhook/:id`: one subscription. */
export const getWebhookById = HttpApiEndpoint.get("getWebhookById", webhookPath)
  .setPath(Webhook.IdPath)
  .addSuccess(Webhook.Webhook)
  .pipe(Errors.at(400, 429, 500))
  .annotate(OpenApi.Summary, "Get a webhook")
  .annotate(OpenApi.Description, "One webhook by id. An unknown id, or another key's, is a 400 `RESOURCE_NOT_FOUND`, as the vendor documents.")

/** `PUT /api/v2/public/webhook/:id`: changes the fields sent. */
export const updateWebhook = HttpApiEndpoint.put("updateWebhook", webhookPath)
  .setPath(Webhook.IdPath)
  .setPayload(Webhook.Update)
  .addSuccess(Webhook.Webhook)
  .pipe(Errors.at(400, 413, 429, 500))
  .annotate(OpenApi.Summary, "Update a webhook")
  .annotate(OpenApi.Description, "Changes only the fields sent, and answers the whole webhook.")

/** `DELETE /api/v2/public/webhook/:id`: removes a subscription and answers the remaining ones. */
export const deleteWebhook = HttpApiEndpoint.del("deleteWebhook", webhookPath)
  .setPath(Webhook.IdPath)
  .addSuccess(Webhook.Webhooks)
  .pipe(Errors.at(400, 429, 500))
  .annotate(OpenApi.Summary, "Delete a webhook")
  .annotate(OpenApi.Description, "Deletes one webhook and answers the org's remaining webhooks.")

/** The webhooks group, behind {@link OrgAuthentication}. */
export class Webhooks extends HttpApiGroup.make("webhooks")
  .add(listWebhooks)
  .add(registerWebhook)
  .add(getWebhookById)
  .add(updateWebhook)
  .add(deleteWebhook)
  .middleware(OrgAuthentication)
  .annotate(OpenApi.Title, "Webhooks")
  .annotate(
    OpenApi.Description,
    "Webhook subscriptions of an org and environment. Deliveries are `POST`s of a JSON payload (`WorkflowWebhookPayload`, `ConnectionWebhookPayload`) signed in `x-cobalt-signature`: the hex HMAC-SHA256 of the raw body, keyed on the API key."
  ) {}
