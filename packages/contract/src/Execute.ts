/**
 * `POST /api/v2/public/workflow/:workflow_id/execute`: runs a published workflow for the linked
 * account, as a manual trigger (source `API Call`).
 *
 * The vendor's two documents disagree on the answer: the docs page shows
 * `{"message":"Workflow execution started","execution_id":"…"}`, the OpenAPI document an
 * `InstanceExecutionResult` (`execution_id`, `return_value`, `errored`, `status_code`,
 * `executed_by_thanos`, `execution_error`), which fits `sync_execution: true`. {@link Result}
 * accepts both: every field optional, unknown fields kept. {@link Started} is the answer to an
 * asynchronous run: either shape too, but with the `execution_id` that the docs page always shows
 * (a run that was started has an id to follow). The mock answers the first shape for an
 * asynchronous run and the second (with `message` too) for a synchronous one.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { booleanString } from "./internal/param.js"

/** The `message` of an asynchronous start, as the docs page shows it. */
export const STARTED_MESSAGE = "Workflow execution started"

/** The request headers beyond authentication: `slug` (required), sync mode, config and tag. */
export const Headers = Schema.Struct({
  linked_account_id: Schema.optional(Schema.String).annotations({
    description: "The linked account to act on. Required with an org API key; not needed with a session token."
  }),
  slug: Schema.String.annotations({
    description: "The slug of the application the workflow belongs to (`hubspot`). Required: without it the call fails with 400 `Workflow ID and slug are required`."
  }),
  sync_execution: Schema.optional(booleanString("sync_execution", "`true`: run synchronously and answer with the result.")),
  config_id: Schema.optional(Schema.String).annotations({ description: "The config to run with." }),
  instance_tag: Schema.optional(Schema.String).annotations({ description: "A tag stored on the new execution." })
})
export interface Headers extends Schema.Schema.Type<typeof Headers> {}

/**
 * The body: any JSON object; the docs send the trigger payload as `{"payload": {...}}`. Optional:
 * an empty body runs the workflow with an empty payload.
 */
export const Payload = Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({
  identifier: "ExecuteWorkflowPayload",
  description: "Arbitrary JSON, passed to the workflow; by convention `{ \"payload\": { ... } }`."
})

/** The answer, in either of the vendor's shapes (see the module's description). */
export const Result = Schema.Struct(
  {
    message: Schema.optional(Schema.String),
    execution_id: Schema.optional(Schema.String),
    return_value: Schema.optional(Schema.Unknown),
    errored: Schema.optional(Schema.Boolean),
    status_code: Schema.optional(Schema.Number),
    executed_by_thanos: Schema.optional(Schema.Boolean),
    execution_error: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
  },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
).annotations({
  identifier: "ExecuteWorkflowResult",
  description:
    "`{message, execution_id}` (the docs page, asynchronous runs) or `InstanceExecutionResult` (the OpenAPI document, synchronous runs); every field optional."
})
export interface Result extends Schema.Schema.Type<typeof Result> {}

/**
 * The answer to an asynchronous run (no `sync_execution: true`): {@link Result} with a required
 * `execution_id`, the new execution's id.
 */
export const Started = Schema.Struct(
  {
    ...Result.fields,
    execution_id: Schema.String.annotations({ description: "The new execution's id, to follow with the executions endpoints." })
  },
  ...Result.records
).annotations({
  identifier: "ExecuteWorkflowStarted",
  description: "The answer to an asynchronous run: `{message, execution_id}` (or the `InstanceExecutionResult` shape), always with the new execution's `execution_id`."
})
export interface Started extends Schema.Schema.Type<typeof Started> {}

/** The path parameter: the workflow's `_id`. */
export const Path = Schema.Struct({ workflow_id: Schema.String })
