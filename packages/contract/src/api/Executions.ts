/**
 * The executions group: list, get, stop, rerun and a node's batches, each with its path, parameters,
 * success schema and the vendor's error bodies.
 *
 * @since 0.1.0
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import * as Batch from "../Batch.js"
import * as Control from "../Control.js"
import * as Errors from "./Errors.js"
import { Detail } from "../Execution.js"
import { Params } from "../ListQuery.js"
import { ExecutionPage } from "../Page.js"
import { AccountHeaders, Authentication } from "./Authentication.js"

/** Path of the list endpoint. */
export const listPath = "/api/v2/public/execution"

/** Path of the get endpoint, with its `:execution_id` parameter. */
export const getPath = "/api/v2/public/execution/:execution_id"

/** Path of the stop endpoint. */
export const stopPath = "/api/v2/public/execution/:execution_id/stop"

/** Path of the rerun endpoint. */
export const rerunPath = "/api/v2/public/execution/:execution_id/rerun"

/** Path of a node's batches. */
export const batchesPath = "/api/v2/public/execution/:execution_id/nodes/:node_id/batches"

const ExecutionPath = Schema.Struct({ execution_id: Schema.String })

/** `GET /api/v2/public/execution`: one page of the account's executions, newest first. */
export const listExecutions = HttpApiEndpoint.get("listExecutions", listPath)
  .setUrlParams(Params)
  .setHeaders(AccountHeaders)
  .addSuccess(ExecutionPage)
  .pipe(Errors.at(400, 403, 429, 500))
  .annotate(OpenApi.Summary, "List executions")
  .annotate(
    OpenApi.Description,
    "A page of the linked account's executions, newest first by `createdAt` (oldest first with `sortAsc=true`), filtered by status, source, type, creation date (whole UTC days, both ends inclusive), application slugs, workflow and execution id."
  )

/** `GET /api/v2/public/execution/:execution_id`: one execution with its nodes. */
export const getExecution = HttpApiEndpoint.get("getExecution", getPath)
  .setPath(ExecutionPath)
  .setHeaders(AccountHeaders)
  .addSuccess(Detail)
  .pipe(Errors.at(400, 403, 404, 429, 500))
  .annotate(OpenApi.Summary, "Get an execution")
  .annotate(
    OpenApi.Description,
    "One execution of the linked account with per-node status and output. Another account's execution is a 404, exactly like an unknown id."
  )

/** `POST /api/v2/public/execution/:execution_id/stop`: asks a running execution to stop. */
export const stopExecution = HttpApiEndpoint.post("stopExecution", stopPath)
  .setPath(ExecutionPath)
  .setHeaders(AccountHeaders)
  .addSuccess(Control.StopResult)
  .pipe(Errors.at(400, 403, 404, 413, 429, 500))
  .annotate(OpenApi.Summary, "Stop an execution")
  .annotate(
    OpenApi.Description,
    "Enqueues a stop and acknowledges it at once (`{\"message\":\"Stopping instance\"}`): the execution reads `STOPPING`, then `STOPPED` with its unfinished nodes `Stopped`. An unknown id, or another account's, is a 404."
  )

/** `POST /api/v2/public/execution/:execution_id/rerun`: starts a new execution with the original payload. */
export const rerunExecution = HttpApiEndpoint.post("rerunExecution", rerunPath)
  .setPath(ExecutionPath)
  .setHeaders(AccountHeaders)
  .addSuccess(Control.RerunResult)
  .pipe(Errors.at(400, 403, 404, 409, 413, 429, 500))
  .annotate(OpenApi.Summary, "Rerun an execution")
  .annotate(
    OpenApi.Description,
    "Retries a failed or stopped execution with its original trigger payload: creates and starts a new execution and answers its id (`{\"status\":\"success\",\"id\":\"…\"}`). The original is left unchanged. The refold-effect mock answers 409 for an execution that is neither failed nor stopped (undocumented by the vendor)."
  )

/** `GET /api/v2/public/execution/:execution_id/nodes/:node_id/batches`: a page of a batch node's batches. */
export const listExecutionNodeBatches = HttpApiEndpoint.get("listExecutionNodeBatches", batchesPath)
  .setPath(Batch.Path)
  .setUrlParams(Batch.Params)
  .setHeaders(AccountHeaders)
  .addSuccess(Batch.BatchPage)
  .pipe(Errors.at(400, 403, 404, 429, 500, 501))
  .annotate(OpenApi.Summary, "List a node's batches")
  .annotate(
    OpenApi.Description,
    "A page of the batches a batch node (`is_batch: true`) processed. 501 (`Batch details are not yet available for this execution type`) for a node that is not a batch node (the docs page) and for an execution with `executed_by_thanos: true` (the OpenAPI document)."
  )

/** The executions group, behind {@link Authentication}. */
export class Executions extends HttpApiGroup.make("executions")
  .add(listExecutions)
  .add(getExecution)
  .add(stopExecution)
  .add(rerunExecution)
  .add(listExecutionNodeBatches)
  .middleware(Authentication)
  .annotate(OpenApi.Title, "Executions")
  .annotate(OpenApi.Description, "Workflow executions of a linked account.") {}
