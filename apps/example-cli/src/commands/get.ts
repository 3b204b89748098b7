/**
 * `refold-executions get <id>`: one execution with its nodes.
 *
 * @since 0.1.0
 */
import { Executions } from "@refold-effect/sdk"
import { Console, Effect } from "effect"
import * as Format from "../Format.js"

/** The output of `get`. */
export interface GetOptions {
  /** The execution as the API returned it (JSON) instead of a summary and a table of nodes. */
  readonly json?: boolean | undefined
}

/** Shows one execution of the linked account, with its nodes. */
export const get = Effect.fn("get")(function*(executionId: string, options: GetOptions = {}) {
  const executions = yield* Executions
  const execution = yield* executions.get(executionId)
  if (options.json === true) return yield* Console.log(JSON.stringify(execution, null, 2))
  for (const line of Format.detail(execution, executionId)) yield* Console.log(line)
})
