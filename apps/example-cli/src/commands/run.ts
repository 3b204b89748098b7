/**
 * `refold-executions run <workflowId> --slug <app>`: starts a workflow (the SDK's
 * `Workflows.execute`) and follows the new execution to its end (`executions.watch`), printing a
 * progress bar for each snapshot.
 *
 * @since 0.1.0
 */
import { Workflows } from "@refold-effect/sdk"
import { Console, Effect } from "effect"
import { NotStarted, onInterrupt } from "../Failure.js"
import * as Format from "../Format.js"
import { follow, type WatchOptions } from "./watch.js"

/** What to start, and how to follow it. */
export interface RunOptions extends WatchOptions {
  /** The slug of the application the workflow belongs to (`hubspot`); required by the API. */
  readonly slug: string
  /** The trigger payload (default `{}`). */
  readonly payload?: Readonly<Record<string, unknown>> | undefined
}

/**
 * Executes the workflow asynchronously, prints the new execution's id, then follows it, printing
 * {@link Format.bar} for each changed snapshot. Succeeds when it ends `COMPLETED`; fails with
 * `ExecutionFailed` (ERRORED, STOPPED, TIMED_OUT), `WatchTimedOut` (`timeout` ran out), `NotStarted`
 * (the API's `execution_id` was empty; an answer without one is already the SDK's `DecodeError`)
 * or the SDK's error.
 */
export const run = Effect.fn("run")(function*(workflowId: string, options: RunOptions) {
  const workflows = yield* Workflows
  const started = yield* workflows.execute(workflowId, { slug: options.slug, payload: options.payload }).pipe(
    onInterrupt(`Interrupted before the API answered: workflow ${workflowId} may have started (see: refold-executions list --source "API Call").`)
  )
  const executionId = started.execution_id
  if (executionId === "") {
    return yield* new NotStarted({ workflowId, message: started.message })
  }
  yield* Console.log(`Started execution ${executionId} of workflow ${workflowId}.`)
  yield* follow(executionId, options, (_, next) => Format.bar(next))
})
