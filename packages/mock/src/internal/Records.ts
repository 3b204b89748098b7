/**
 * The records the actions make: an execution's record when it is stopped, rerun or started by
 * `executeWorkflow` (its later life, the stop's end included, is the public `Lifecycle`'s):
 * plain functions from a record to its next version, consistent with the fixtures' rules (node
 * statuses follow the execution's status, `completion_percentage` is the share of successful nodes,
 * `completion_time` is set once a run is finished).
 */
import type { Execute } from "@refold-effect/contract"
import type { Fixture } from "@refold-effect/fixtures"

/** The statuses a rerun starts from: failed or stopped runs. */
export const RERUNNABLE: ReadonlyArray<Fixture.Record["status"]> = ["ERRORED", "TIMED_OUT", "STOPPED"]

const percentage = (nodes: ReadonlyArray<Fixture.Node>) =>
  nodes.length === 0 ? 0 : Math.floor((100 * nodes.filter((n) => n.node_status === "Success").length) / nodes.length)

/** A stop acknowledged: `STOPPING`, nodes as they were. */
export const stopping = (r: Fixture.Record, now: string): Fixture.Record => ({ ...r, status: "STOPPING", updatedAt: now })

/** A node that has not run yet: no input, no output, no attempt. */
const ready = (n: Fixture.Node): Fixture.Node => ({
  node_id: n.node_id,
  node_name: n.node_name,
  node_type: n.node_type,
  node_status: "Ready",
  is_batch: n.is_batch,
  attempts_made: 0,
  ...(n.maximum_attempts === undefined ? {} : { maximum_attempts: n.maximum_attempts }),
  execution_time: 0
})

/**
 * The nodes of a run that has just started: none has run yet, the first (the trigger) holds the
 * run's `input`. The trigger runs on the clock like the others (see `Lifecycle`), so that a run is
 * 0 % done when it starts and its node times add up to its `instance_execution_time`.
 */
const started = (nodes: ReadonlyArray<Fixture.Node>, input: unknown): Array<Fixture.Node> =>
  nodes.map((n, i) => (i === 0 ? { ...ready(n), input_data: input ?? n.input_data ?? {} } : ready(n)))

/**
 * What a new run of the same workflow shares with `template`, without the fields of its own run:
 * those the end of a run sets (`completion_time`, `instance_execution_time`; `updatedAt` and the
 * rest are set here or by the caller).
 */
const fresh = (template: Fixture.Record, id: string, createdAt: string): Fixture.Record => {
  const { completion_time: _, instance_execution_time: __, ...rest } = template
  return { ...rest, _id: id, createdAt, updatedAt: createdAt, status: "RUNNING" }
}

/**
 * A rerun of `original`: a new RUNNING execution `id` with the same workflow, trigger, source and
 * payload (the first node's `input_data`), named `Retry for workflow <id>` as the vendor names them,
 * in the `environment` of the credentials that asked for it.
 */
export const rerun = (original: Fixture.Record, id: string, createdAt: string, environment: Fixture.Record["environment"]): Fixture.Record => {
  const nodes = started(original.nodes, original.nodes[0]?.input_data)
  const workflow = original.associated_workflow?._id
  return {
    ...fresh(original, id, createdAt),
    environment,
    ...(workflow === undefined ? {} : { name: `Retry for workflow ${workflow}` }),
    completion_percentage: percentage(nodes),
    nodes
  }
}

/** What `executeWorkflow` asks for. */
export interface Start {
  readonly payload: unknown
  readonly sync: boolean
  readonly configId?: string | undefined
  /** The `instance_tag` header: stored on the new execution. */
  readonly instanceTag?: string | undefined
  /** The environment of the credentials that started it (see `Auth.environment`): the new execution's. */
  readonly environment: Fixture.Record["environment"]
}

/**
 * A run of the workflow of `template` started by `executeWorkflow`: source `API Call`, the payload
 * as the trigger node's input, in the environment of the credentials that started it, RUNNING (a `SYNC` one with `sync`); it then runs on the app's clock
 * (see `Lifecycle`), and the synchronous caller is answered when it ends.
 */
export const execute = (template: Fixture.Record, id: string, createdAt: string, start: Start): Fixture.Record => {
  // The template's own tag, if any, is its run's: a new run has the tag it was given, or none.
  const { associated_event_id: _, instance_tag: _tag, ...base } = fresh(template, id, createdAt)
  const workflow = template.associated_workflow?._id
  const record: Fixture.Record = {
    ...base,
    name: workflow === undefined ? template.name : `Execution for workflow ${workflow}`,
    environment: start.environment,
    execution_source: "API Call",
    trigger_application_event: "API Call",
    type_of_execution: start.sync ? "SYNC" : "ASYNC",
    ...(start.configId === undefined ? {} : { config_id: start.configId }),
    ...(start.instanceTag === undefined ? {} : { instance_tag: start.instanceTag }),
    completion_percentage: 0,
    nodes: started(template.nodes, start.payload)
  }
  return { ...record, completion_percentage: percentage(record.nodes) }
}

/**
 * The answer of a synchronous `executeWorkflow` (the OpenAPI document's `InstanceExecutionResult`,
 * with the docs' `message`): the last node's output as `return_value` when the run completed; else
 * `errored`, and the failed node's output as `execution_error`.
 */
export const result = (r: Fixture.Record): Execute.Result => {
  const completed = r.status === "COMPLETED"
  const failed = r.nodes.find((n) => n.node_status === "Errored" || n.node_status === "Rejected" || n.node_status === "Timed_Out")
  const output = failed?.latest_output
  return {
    message: completed ? "Workflow executed" : `Workflow ended ${r.status}`,
    execution_id: r._id,
    return_value: completed ? (r.nodes[r.nodes.length - 1]?.latest_output ?? null) : null,
    errored: !completed,
    status_code: completed ? 200 : 500,
    executed_by_thanos: r.executed_by_thanos ?? false,
    ...(completed
      ? {}
      : {
          execution_error: {
            status: r.status,
            ...(failed === undefined ? {} : { node_id: failed.node_id, node_name: failed.node_name }),
            ...(typeof output === "object" && output !== null && !Array.isArray(output) ? output : output === undefined ? {} : { message: output })
          }
        })
  }
}
