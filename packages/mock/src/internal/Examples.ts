/**
 * The bodies of the named examples (`Prefer: example=<name>`), see `Scenario.examples`, by the
 * contract's operation names. They are account-independent: the docs' own examples, and executions
 * from a newer version of the API than the docs describe, which a forward-compatible client must
 * read without failing.
 */
import { Page, type RefoldApi } from "@refold-effect/contract"
import { Examples } from "@refold-effect/fixtures"
import { examples } from "../Scenario.js"

/** Executions as a newer API would send them: unknown statuses, modes and fields. */
const newer = [
  {
    _id: "6b7a00000000000000000002",
    createdAt: "2026-11-02T09:30:00.000Z",
    name: "Execution for workflow 6a106ba44480b80424a65289",
    associated_application: { _id: "6992cc7dc124a392c80e9e9c", name: "Hubspot", icon: "" },
    status: "PAUSED",
    associated_workflow: { _id: "6a106ba44480b80424a65289", name: "Daily Sync", icon: "" },
    environment: "test",
    config_id: "user_12345",
    org_id: "6500a1b2c3d4e5f6a7b8c9d0",
    linked_account_id: "user_12345",
    type_of_execution: "BATCH",
    trigger_application_event: "Webhook",
    paused_reason: "awaiting approval",
    priority: 3
  },
  {
    _id: "6b7a00000000000000000001",
    createdAt: "2026-11-02T09:00:00.000Z",
    name: "Execution for workflow 6a106ba44480b80424a65289",
    status: "QUEUED",
    environment: "test",
    config_id: "user_12345",
    org_id: "6500a1b2c3d4e5f6a7b8c9d0",
    linked_account_id: "user_12345",
    type_of_execution: "ASYNC",
    queue_position: 7
  }
] as const

const newerDetail = {
  ...newer[0],
  completion_percentage: 50,
  nodes: [
    {
      ...Examples.detail.nodes[0],
      node_status: "Success"
    },
    {
      node_id: "2",
      node_name: "Manager approval",
      node_type: "approval",
      node_status: "Awaiting_Approval",
      is_batch: false,
      attempts_made: 0,
      execution_time: 0,
      latest_output: {},
      approvers: ["ops@example.com"]
    }
  ]
}

/** The webhook of the create, get and update pages' examples (the update page's changes applied there). */
const docsWebhook = {
  _id: "6a313eda6d5528bdcf71ebac",
  org_id: "6500a1b2c3d4e5f6a7b8c9d0",
  environment: "test",
  is_enabled: true,
  webhook_events: ["Workflow Errored", "Connection Expired"],
  workflow_ids: [],
  webhook_url: "https://your-app.com/webhooks",
  webhook_body: "{{event}}",
  method: "POST",
  webhook_type: "default",
  createdAt: "2026-06-16T12:17:30.231Z",
  updatedAt: "2026-06-16T12:17:30.231Z",
  __v: 0
}

/** The page and limit a request asked for, for the examples that are pages. */
export interface Paging {
  readonly page: number
  readonly limit: number
}

const page = (docs: ReadonlyArray<unknown>, query: Paging) => {
  const start = (query.page - 1) * query.limit
  return JSON.stringify({ docs: docs.slice(start, start + query.limit), ...Page.meta(docs.length, query.page, query.limit) })
}

type Bodies = { readonly [E in RefoldApi.EndpointName]: { readonly [N in keyof (typeof examples)[E]]: (paging: Paging) => string } }

/** Every example's body, by operation and name: the keys are checked against `Scenario.examples`. */
const bodies: Bodies = {
  listExecutions: {
    empty: (q) => page([], q),
    seed: (q) => page([Examples.listDoc], q),
    "unknown-status": (q) => page(newer, q)
  },
  getExecution: {
    seed: () => JSON.stringify(Examples.detail),
    "unknown-status": () => JSON.stringify(newerDetail)
  },
  // The next four are the 200 examples of the docs pages, verbatim.
  stopExecution: { seed: () => JSON.stringify({ message: "Stopping instance" }) },
  rerunExecution: { seed: () => JSON.stringify({ status: "success", id: "64f3c2a1b4e5f60012345678" }) },
  listExecutionNodeBatches: {
    seed: () => JSON.stringify({ docs: [{ batch_index: 0, status: "Success", output: { processed: 50 } }], totalDocs: 1, page: 1, limit: 10, hasNextPage: false }),
    empty: (q) => page([], q)
  },
  executeWorkflow: {
    seed: () => JSON.stringify({ message: "Workflow execution started", execution_id: "6a314c54d4616e99e7fa5a02" }),
    sync: () =>
      JSON.stringify({
        execution_id: "6a314c54d4616e99e7fa5a02",
        return_value: { contact_id: "51", created: true },
        errored: false,
        status_code: 200,
        executed_by_thanos: false
      })
  },
  // The 200 examples of the webhook pages, verbatim.
  listWebhooks: {
    seed: () =>
      JSON.stringify([
        {
          _id: "69c4c8ece6c48f40c1d3ff42",
          org_id: "6500a1b2c3d4e5f6a7b8c9d0",
          environment: "test",
          is_enabled: false,
          webhook_events: ["Connection Created", "Connection Deleted", "Workflow Completed", "Workflow Errored"],
          webhook_url: "https://your-app.com/webhooks",
          webhook_type: "default",
          method: "POST",
          createdAt: "2026-03-12T08:14:02.110Z"
        }
      ])
  },
  registerWebhook: { seed: () => JSON.stringify(docsWebhook) },
  getWebhookById: { seed: () => JSON.stringify(docsWebhook) },
  updateWebhook: {
    seed: () => {
      const { createdAt: _, __v: __, ...rest } = docsWebhook
      return JSON.stringify({ ...rest, is_enabled: false, webhook_events: ["Workflow Completed"], updatedAt: "2026-06-16T12:17:46.860Z" })
    }
  },
  deleteWebhook: {
    seed: () =>
      JSON.stringify([
        {
          _id: "69c4c8ece6c48f40c1d3ff42",
          org_id: "6500a1b2c3d4e5f6a7b8c9d0",
          environment: "test",
          is_enabled: false,
          webhook_events: ["Connection Created", "Workflow Completed"],
          webhook_url: "https://your-app.com/webhooks",
          webhook_type: "default",
          method: "POST"
        }
      ])
  }
}

/** The body of an operation's example for the request's paging, or `undefined` for a name it does not have. */
export const body = (endpoint: RefoldApi.EndpointName, name: string, paging: Paging): string | undefined => {
  const named = bodies[endpoint] as Readonly<Record<string, (paging: Paging) => string>>
  return Object.hasOwn(named, name) ? named[name]!(paging) : undefined
}

/** The names an operation offers, for the message of a 400. */
export const names = (endpoint: RefoldApi.EndpointName): string => Object.keys(examples[endpoint]).join(", ")
