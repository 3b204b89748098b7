/**
 * The handlers of stop and rerun: bad input first (a malformed id, a body that is not JSON or too
 * large), then the account's execution (another account's is a 404, like an unknown id), then the
 * change (`Actions`).
 */
import { Control } from "@refold-effect/contract"
import type { Fixture } from "@refold-effect/fixtures"
import { Either } from "effect"
import type { Context } from "hono"
import type { Actions } from "./Actions.js"
import * as Body from "./Body.js"
import * as Ids from "./Ids.js"
import * as Reply from "./Reply.js"

/** The error code of a rerun of an execution that is neither failed nor stopped. */
export const NOT_RERUNNABLE = "EXECUTION_NOT_RERUNNABLE"

/** What both routes check before acting: the id, then the body (ignored, but it must be JSON if sent). */
const checked = async (c: Context<Reply.MockEnv>): Promise<Response | undefined> => {
  const malformed = Ids.check(c, "execution_id")
  if (malformed !== undefined) return malformed
  const body = await Body.json(c)
  return Either.isLeft(body) ? body.left : undefined
}

const STOPPING = JSON.stringify({ message: Control.STOPPING_MESSAGE } satisfies Control.StopResult)

/**
 * `POST …/:execution_id/stop`: `{"message":"Stopping instance"}`. A RUNNING execution then reads
 * STOPPING, and STOPPED later (see `Actions`); any other is left as it is, with the same answer (a
 * stop that races the run's end is not the caller's error).
 */
export const stop = (actions: Actions) => async (c: Context<Reply.MockEnv>): Promise<Response> => {
  const refused = await checked(c)
  if (refused !== undefined) return refused
  const status = actions.stop(c.get("linkedAccountId"), c.req.param("execution_id")!)
  return status === undefined ? Reply.documented(c, "notFound") : Reply.json(200, STOPPING, Reply.requestId(c))
}

/**
 * `POST …/:execution_id/rerun`: `{"status":"success","id":"<new id>"}` for an ERRORED, TIMED_OUT
 * or STOPPED execution; a 409 naming the status for any other.
 */
export const rerun = (actions: Actions, environment: (c: Context<Reply.MockEnv>) => Fixture.Record["environment"]) => async (c: Context<Reply.MockEnv>): Promise<Response> => {
  const refused = await checked(c)
  if (refused !== undefined) return refused
  const outcome = actions.rerun(c.get("linkedAccountId"), c.req.param("execution_id")!, environment(c))
  switch (outcome._tag) {
    case "NotFound":
      return Reply.documented(c, "notFound")
    case "NotRerunnable":
      return Reply.error(c, 409, NOT_RERUNNABLE, `Execution ${c.req.param("execution_id")} is ${outcome.status}: only an ERRORED, TIMED_OUT or STOPPED execution can be rerun`)
    case "Started":
      return Reply.json(200, JSON.stringify({ status: "success", id: outcome.record._id } satisfies Control.RerunResult), Reply.requestId(c))
  }
}
