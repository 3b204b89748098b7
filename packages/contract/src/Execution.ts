/**
 * The execution resource as it appears on the wire: the summary that the list endpoint returns and
 * the detail (with its nodes) that the get endpoint returns.
 *
 * Decoding is forward compatible: unknown fields are kept out of the way (never an error), and the
 * enums the vendor extends over time are open (see {@link OpenEnum}).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { openEnum, type OpenEnum } from "./internal/openEnum.js"

export type { OpenEnum }

/** The execution statuses the vendor documents. */
export const statuses = ["COMPLETED", "RUNNING", "ERRORED", "STOPPED", "STOPPING", "TIMED_OUT"] as const

/**
 * The statuses after which an execution never changes again: it completed, errored, was stopped or
 * timed out. `RUNNING` and `STOPPING` are not final (a stop settles as `STOPPED`); nor is a status
 * the vendor adds later, since nothing says it is.
 */
export const terminalStatuses = ["COMPLETED", "ERRORED", "STOPPED", "TIMED_OUT"] as const satisfies ReadonlyArray<(typeof statuses)[number]>

/** A status after which an execution never changes again. */
export type TerminalStatus = (typeof terminalStatuses)[number]

const terminal: ReadonlySet<string> = new Set(terminalStatuses)

/** `true` for a {@link TerminalStatus}: the execution is over, polling it again would show nothing new. */
export const isTerminal = (status: string): status is TerminalStatus => terminal.has(status)

/** The node statuses from the vendor's SDK typings. */
export const nodeStatuses = [
  "Success",
  "Ready",
  "Errored",
  "Waiting",
  "Stopped",
  "Rejected",
  "Errored_and_Skipped",
  "Timed_Out"
] as const

/** The environments an execution can run in. */
export const environments = ["test", "production"] as const

/** The execution modes (`type_of_execution` on the wire, `execution_type` as a filter). */
export const types = ["SYNC", "ASYNC"] as const

/**
 * The trigger sources, in the canonical spelling of the docs pages and SDK typings. The vendor's
 * OpenAPI document spells two of them `SCHEDULE` and `API_CALL`; {@link Source} accepts both.
 */
export const sources = ["Event", "Schedule", "API Call"] as const

/** An execution status; unknown values decode as plain strings. */
export const Status = openEnum("ExecutionStatus", statuses, "Overall status of an execution.")
export type Status = typeof Status.Type

/** A node status; unknown values decode as plain strings. */
export const NodeStatus = openEnum("NodeStatus", nodeStatuses, "Status of one node of an execution.")
export type NodeStatus = typeof NodeStatus.Type

/** An environment; unknown values decode as plain strings. */
export const Environment = openEnum("Environment", environments, "Environment the execution ran in.")
export type Environment = typeof Environment.Type

/** An execution mode; unknown values decode as plain strings. */
export const Type = openEnum("ExecutionType", types, "Whether the execution ran synchronously.")
export type Type = typeof Type.Type

/** A closed trigger source, used by filters. */
export type Source = (typeof sources)[number]

/** A MongoDB ObjectId as 24 lowercase or uppercase hex digits. */
export const ObjectId = Schema.String.pipe(
  Schema.pattern(/^[0-9a-fA-F]{24}$/),
  Schema.annotations({
    identifier: "ObjectId",
    message: (issue) => `Expected a 24-hex-digit ObjectId, actual ${JSON.stringify(issue.actual)}`,
    description: "A 24-hex-digit ObjectId.",
    examples: ["65410cf6cdf931a12d7ab009"]
  })
)

/** An ISO 8601 UTC timestamp such as `2023-10-31T14:19:34.788Z`, kept as the string sent. */
export const Timestamp = Schema.String.pipe(
  Schema.filter((s) => !Number.isNaN(Date.parse(s)) || `not an ISO 8601 date-time: ${JSON.stringify(s)}`),
  Schema.annotations({ identifier: "Timestamp", description: "ISO 8601 date-time.", examples: ["2023-10-31T14:19:34.788Z"] })
)

/** The application an execution belongs to. */
export const Application = Schema.Struct({
  _id: Schema.optional(Schema.String),
  name: Schema.String,
  icon: Schema.optional(Schema.String),
  /** The application's slug (`slack`, `google-sheets`): what the list filter `slug` selects on. */
  slug: Schema.optional(Schema.String)
}).annotations({ identifier: "AssociatedApplication" })
export interface Application extends Schema.Schema.Type<typeof Application> {}

/** The workflow an execution runs. */
export const Workflow = Schema.Struct({
  _id: Schema.optional(Schema.String),
  name: Schema.String,
  icon: Schema.optional(Schema.String)}).annotations({ identifier: "AssociatedWorkflow" })
export interface Workflow extends Schema.Schema.Type<typeof Workflow> {}

/** Fields that some versions of the vendor's docs show on executions, and others do not. */
const versionedFields = {
  org_id: Schema.optional(Schema.String),
  linked_account_id: Schema.optional(Schema.String),
  type_of_execution: Schema.optional(Type),
  trigger_application_event: Schema.optional(Schema.String),
  associated_trigger_application: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  associated_event_id: Schema.optional(Schema.String),
  completion_time: Schema.optional(Timestamp),
  updatedAt: Schema.optional(Timestamp),
  /** Set by the vendor's newer engine ("Thanos"); its executions have no batch details (501). */
  executed_by_thanos: Schema.optional(Schema.Boolean),
  /** How long a finished run took, in milliseconds (the vendor's `Instance` schema). */
  instance_execution_time: Schema.optional(Schema.Number)
}

/**
 * The tag given to `executeWorkflow` (its `instance_tag` header, "a tag stored on the new
 * execution"). The docs name no field of the execution for it, and the `Instance` schema allows any
 * (`additionalProperties`); the header's own name is the side taken. Absent on untagged runs.
 */
const instanceTag = Schema.optional(Schema.String).annotations({
  description: "The `instance_tag` header of the execute call that started this execution, if one was given."
})

/** One execution as a document of the list endpoint (`docs[]`). */
export const Summary = Schema.Struct({
  _id: Schema.String,
  createdAt: Timestamp,
  name: Schema.String,
  associated_application: Schema.optional(Application),
  status: Status,
  associated_workflow: Schema.optional(Workflow),
  environment: Environment,
  config_id: Schema.optional(Schema.String),
  instance_tag: instanceTag,
  ...versionedFields}).annotations({ identifier: "ExecutionSummary" })
export interface Summary extends Schema.Schema.Type<typeof Summary> {}

/** One node of an execution, as the get endpoint returns it. */
export const Node = Schema.Struct({
  node_id: Schema.String,
  node_name: Schema.String,
  node_type: Schema.String,
  node_status: NodeStatus,
  is_batch: Schema.Boolean,
  attempts_made: Schema.Number,
  maximum_attempts: Schema.optional(Schema.Number),
  execution_time: Schema.Number,
  input_data: Schema.optional(Schema.Unknown),
  latest_output: Schema.optional(Schema.Unknown)}).annotations({ identifier: "ExecutionNode" })
export interface Node extends Schema.Schema.Type<typeof Node> {}

/**
 * One execution with its nodes, as the get endpoint returns it. `_id` and `createdAt` are optional
 * because the vendor's newer example omits them.
 */
export const Detail = Schema.Struct({
  _id: Schema.optional(Schema.String),
  createdAt: Schema.optional(Timestamp),
  name: Schema.String,
  environment: Environment,
  status: Status,
  completion_percentage: Schema.Number,
  config_id: Schema.optional(Schema.String),
  instance_tag: instanceTag,
  associated_application: Schema.optional(Application),
  associated_workflow: Schema.optional(Workflow),
  ...versionedFields,
  nodes: Schema.Array(Node)}).annotations({ identifier: "ExecutionDetail" })
export interface Detail extends Schema.Schema.Type<typeof Detail> {}
