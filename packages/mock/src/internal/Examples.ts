/**
 * The bodies of the named examples (`Prefer: example=<name>`), see `Scenario.examples`. They are
 * account-independent: the docs' own examples, and executions from a newer version of the API than
 * the docs describe, which a forward-compatible client must read without failing.
 */
import { Page } from "@refold-effect/contract"
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

const page = (docs: ReadonlyArray<unknown>, query: { readonly page: number; readonly limit: number }) => {
  const start = (query.page - 1) * query.limit
  return JSON.stringify({ docs: docs.slice(start, start + query.limit), ...Page.meta(docs.length, query.page, query.limit) })
}

/** The body of a list example for the request's page and limit, or `undefined` for an unknown name. */
export const list = (name: string, query: { readonly page: number; readonly limit: number }): string | undefined => {
  switch (name as keyof typeof examples.list) {
    case "empty":
      return page([], query)
    case "seed":
      return page([Examples.listDoc], query)
    case "unknown-status":
      return page(newer, query)
    default:
      return undefined
  }
}

/** The body of a get example, or `undefined` for an unknown name. */
export const get = (name: string): string | undefined => {
  switch (name as keyof typeof examples.get) {
    case "seed":
      return JSON.stringify(Examples.detail)
    case "unknown-status":
      return JSON.stringify(newerDetail)
    default:
      return undefined
  }
}

/** The names an endpoint offers, for the message of a 400. */
export const names = (endpoint: keyof typeof examples): string => Object.keys(examples[endpoint]).join(", ")
