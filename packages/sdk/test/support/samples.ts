/** Wire bodies that satisfy the contract, for the fault server's successful answers. */
import { Page } from "@refold-effect/contract"
import { Schema } from "effect"

/** The `i`-th execution summary, newest first: `i` = 0 is the newest. */
export const summary = (i: number, createdAt = new Date(Date.UTC(2024, 0, 1) - i * 60_000).toISOString()) => ({
  _id: i.toString(16).padStart(24, "0"),
  createdAt,
  name: `Execution ${i}`,
  status: "COMPLETED",
  environment: "test",
  associated_application: { _id: "64f6d9f33234d3d6419cfdbc", name: "Slack", icon: "" },
  associated_workflow: { _id: "64f7258e35b72267edc02589", name: "Post message", icon: "" }
})

/** Page `page` of `total` summaries at `limit` per page, with mongoose-paginate-v2's metadata. */
export const page = (pageNumber: number, limit: number, total: number) => {
  const from = (pageNumber - 1) * limit
  const docs = Array.from({ length: Math.max(0, Math.min(limit, total - from)) }, (_, k) => summary(from + k))
  return { docs, ...Page.meta(total, pageNumber, limit) }
}

/** An execution detail. */
export const detail = (id = "65410cf6cdf931a12d7ab009") => ({
  _id: id,
  createdAt: "2023-10-31T14:19:34.788Z",
  name: "Retry for workflow",
  environment: "test",
  status: "ERRORED",
  completion_percentage: 50,
  nodes: [
    {
      node_id: "n1",
      node_name: "Start",
      node_type: "trigger",
      node_status: "Success",
      is_batch: false,
      attempts_made: 1,
      execution_time: 12
    }
  ]
})

/** The vendor's error body. */
export const errorBody = (status: number, errorCode: string, message: string, requestId = "req-123") => ({
  status_code: status,
  http_error_type: "ERROR",
  error_code: errorCode,
  message,
  request_id: requestId
})

/** Any JSON value, for answers whose shape a test does not care about. */
export const anyJson = Schema.Unknown
