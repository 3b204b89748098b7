/**
 * The workflows group: `executeWorkflow`, which creates executions of source `API Call`.
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import * as Errors from "./Errors.js"
import * as Execute from "../Execute.js"
import { Authentication } from "./Authentication.js"

/** Path of the execute endpoint. */
export const executePath = "/api/v2/public/workflow/:workflow_id/execute"

/** `POST /api/v2/public/workflow/:workflow_id/execute`: runs the workflow for the linked account. */
export const executeWorkflow = HttpApiEndpoint.post("executeWorkflow", executePath)
  .setPath(Execute.Path)
  .setHeaders(Execute.Headers)
  .setPayload(Execute.Payload)
  .addSuccess(Execute.Result)
  .pipe(Errors.at(400, 403, 404, 413, 429, 500))
  .annotate(OpenApi.Summary, "Execute a workflow")
  .annotate(
    OpenApi.Description,
    "Runs a published workflow of the linked account as a manual trigger (source `API Call`). The `slug` header names the workflow's application; without it: 400 `{\"message\":\"Server Error\",\"error\":\"Workflow ID and slug are required\"}`. Asynchronous by default (`{message, execution_id}`); with `sync_execution: true` the answer is the run's `InstanceExecutionResult`."
  )

/** The workflows group, behind {@link Authentication}. */
export class Workflows extends HttpApiGroup.make("workflows")
  .add(executeWorkflow)
  .middleware(Authentication)
  .annotate(OpenApi.Title, "Workflows")
  .annotate(OpenApi.Description, "Published workflows of a linked account.") {}
