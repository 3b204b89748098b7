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

/** A batch node's batches: `Batch`, `BatchPage` and the endpoint's query. */
export * as Batch from "./Batch.js"

/** What stop and rerun answer. */
export * as Control from "./Control.js"

/** `executeWorkflow`: its headers, payload and (either) result. */
export * as Execute from "./Execute.js"

/** Webhook subscriptions, their events, the payloads delivered to them and their documented errors. */
export * as Webhook from "./Webhook.js"

/** The `HttpApi` definition of every operation and both auth schemes, and the route list derived from it. */
export * as RefoldApi from "./RefoldApi.js"

/** Fast type guards compiled from these schemas, equivalent to `Schema.is`. */
export * as Guard from "./Guard.js"

/** The generated OpenAPI document. */
export * as OpenApi from "./OpenApi.js"
