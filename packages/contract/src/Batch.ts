/**
 * The batches of a batch node (`is_batch: true`, a node that iterates over a collection), as
 * `GET /api/v2/public/execution/:execution_id/nodes/:node_id/batches` pages them.
 *
 * The vendor documents a batch only by example (`{ batch_index, status, output }`) and its OpenAPI
 * document leaves it open ("varies"), so every field is optional and unknown fields are kept.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { boundedInt, text } from "./internal/param.js"
import { MAX_LIMIT, MAX_PAGE } from "./ListQuery.js"
import { Meta } from "./Page.js"

/** One batch of a batch node: its position, its status (a node status) and its output. */
export const Batch = Schema.Struct(
  {
    batch_index: Schema.optional(Schema.Number),
    status: Schema.optional(Schema.String),
    output: Schema.optional(Schema.Unknown)
  },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
).annotations({
  identifier: "ExecutionNodeBatch",
  description: "One batch of a batch node; the vendor's shape varies, unknown fields are accepted."
})
export interface Batch extends Schema.Schema.Type<typeof Batch> {}

/**
 * A page of batches in mongoose-paginate-v2's envelope. `totalPages` is optional here: the docs
 * page's example leaves it out (the mock always sends it).
 */
export const BatchPage = Schema.Struct({
  docs: Schema.Array(Batch),
  ...Meta.fields,
  totalPages: Schema.optional(Meta.fields.totalPages)
}).annotations({ identifier: "ExecutionNodeBatchPage" })
export interface BatchPage extends Schema.Schema.Type<typeof BatchPage> {}

/** The query of the batches endpoint: `page`, `limit` (as the list endpoint's) and a `status` filter. */
export const Params = Schema.Struct({
  page: Schema.optional(boundedInt("page", MAX_PAGE)),
  limit: Schema.optional(boundedInt("limit", MAX_LIMIT)),
  status: Schema.optional(text("status", 64, "Only batches with this status (a node status such as `Success`). Empty: no filter."))
})

/** A decoded batches query. */
export interface Params extends Schema.Schema.Type<typeof Params> {}

/** The path parameters: the execution and the node (`node_id` of one of its nodes). */
export const Path = Schema.Struct({ execution_id: Schema.String, node_id: Schema.String })
