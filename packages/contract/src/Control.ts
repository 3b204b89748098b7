/**
 * What the control operations on one execution answer: stop (`POST …/:execution_id/stop`) and
 * rerun (`POST …/:execution_id/rerun`). Unknown fields are kept, as everywhere.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/** The message of a stop that was accepted. */
export const STOPPING_MESSAGE = "Stopping instance"

/**
 * The answer of stop: `{"message":"Stopping instance"}`. The stop is enqueued: the execution reads
 * `STOPPING`, then `STOPPED`.
 */
export const StopResult = Schema.Struct({
  message: Schema.String
}).annotations({ identifier: "StopExecutionResult", description: "The stop was enqueued." })
export interface StopResult extends Schema.Schema.Type<typeof StopResult> {}

/** The answer of rerun: `{"status":"success","id":"<the new execution's _id>"}`. */
export const RerunResult = Schema.Struct({
  status: Schema.String,
  id: Schema.String
}).annotations({ identifier: "RerunExecutionResult", description: "The new execution, started with the original trigger payload." })
export interface RerunResult extends Schema.Schema.Type<typeof RerunResult> {}
