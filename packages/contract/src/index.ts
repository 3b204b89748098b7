/**
 * `@refold-effect/contract`: the wire format of the Refold execution API, defined once with Effect
 * `Schema` and shared by the SDK, the mock server and the fixtures.
 *
 * @since 0.1.0
 */

/** The execution resource: summary, detail, nodes and their (open) enums. */
export * as Execution from "./Execution.js"

/** The list endpoint's query string: parsing, defaults and the creation-time window. */
export * as ListQuery from "./ListQuery.js"

/** The mongoose-paginate-v2 envelope and its arithmetic. */
export * as Page from "./Page.js"

/** The vendor's error body. */
export * as ErrorBody from "./ErrorBody.js"

/** Webhook subscriptions, their events and the payloads delivered to them. */
export * as Webhook from "./Webhook.js"

/** The webhook operations as an `HttpApiGroup` and their documented errors. */
export * as WebhookApi from "./WebhookApi.js"

/** The `HttpApi` definition of both endpoints and both auth schemes. */
export * as RefoldApi from "./RefoldApi.js"

/** Fast type guards compiled from these schemas, equivalent to `Schema.is`. */
export * as Guard from "./Guard.js"

/** The generated OpenAPI document. */
export * as OpenApi from "./OpenApi.js"
