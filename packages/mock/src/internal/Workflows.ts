/**
 * The handler of `POST /api/v2/public/workflow/:workflow_id/execute`: checks the `slug` header (the
 * vendor's 400 without it), the id, the body (a JSON object, bounded), then starts a run of the
 * account's workflow (`Actions.execute`).
 */
import { ErrorBody, Execute } from "@refold-effect/contract"
import { Either } from "effect"
import type { Context } from "hono"
import type { Actions } from "./Actions.js"
import * as Body from "./Body.js"
import * as Ids from "./Ids.js"
import * as Records from "./Records.js"
import * as Node from "./Node.js"
import * as Reply from "./Reply.js"
import * as Wire from "./Wire.js"

/** The vendor's 400 for a missing `slug`: the docs page's body, with the envelope's fields added. */
const missingSlug = (c: Context<Reply.MockEnv>) => {
  const requestId = Reply.requestId(c)
  return Reply.json(400, JSON.stringify({ status_code: 400, http_error_type: ErrorBody.httpErrorType(400), ...ErrorBody.missingSlug, request_id: requestId }), requestId)
}

/** `POST …/workflow/:workflow_id/execute`: `{message, execution_id}`, or the run's result with `sync_execution: true`. */
export const execute = (actions: Actions, environment: (c: Context<Reply.MockEnv>) => Records.Start["environment"]) => async (c: Context<Reply.MockEnv>): Promise<Response> => {
  const headers = Node.headers(c.req.raw, c.env)
  const slug = headers.get("slug")?.trim() ?? ""
  if (slug === "") return missingSlug(c)
  const malformed = Ids.check(c, "workflow_id")
  if (malformed !== undefined) return malformed
  const sync = headers.get("sync_execution")
  if (sync !== null && sync !== "true" && sync !== "false") {
    return Reply.error(c, 400, Reply.codes.badRequest, `Invalid header "sync_execution": expected true or false, got ${JSON.stringify(sync.slice(0, 64))}`)
  }
  const body = await Body.object(c)
  if (Either.isLeft(body)) return body.left
  const payload = "payload" in body.right ? body.right["payload"] : body.right
  const configId = headers.get("config_id") ?? undefined
  const instanceTag = headers.get("instance_tag") ?? undefined
  const outcome = actions.execute(c.get("linkedAccountId"), c.req.param("workflow_id")!.toLowerCase(), slug, { payload, sync: sync === "true", configId, instanceTag, environment: environment(c) })
  if (outcome._tag === "WorkflowNotFound") {
    return Reply.error(c, 404, "RESOURCE_NOT_FOUND", `Workflow ${c.req.param("workflow_id")} of application ${JSON.stringify(slug.slice(0, 64))} not found for this linked account`)
  }
  const record = outcome.record
  if (sync !== "true") return Reply.json(200, JSON.stringify({ message: Execute.STARTED_MESSAGE, execution_id: record._id }), Reply.requestId(c))
  // Synchronous: answered when the run ends on the app's clock (or when the app is reset or closed).
  const ended = await Wire.keptAlive(actions.settled(record._id))
  return Reply.json(200, JSON.stringify(Records.result(ended ?? record)), Reply.requestId(c))
}
