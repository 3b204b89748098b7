/**
 * `@refold-effect/example-cli`: `refold-executions`, an Effect command line on `@refold-effect/sdk`.
 * Its commands are plain Effect programs over the SDK's `Executions` service and Effect's
 * `Console`, so they run (and are tested) without the command line around them.
 *
 * @since 0.1.0
 */

/** `list`: one page, or every page, of executions. */
export { list, type ListOptions } from "./commands/list.js"

/** `get`: one execution with its nodes. */
export { get, type GetOptions } from "./commands/get.js"

/** `watch`: poll an execution until it ends. */
export { watch, type WatchOptions } from "./commands/watch.js"

/** `run`: execute a workflow and follow it to its end. */
export { run, type RunOptions } from "./commands/run.js"

/** The command line: its command tree and `run(args)` to an exit code. */
export * as Cli from "./Cli.js"

/** The CLI's own errors, its messages for every error, and its exit codes. */
export * as Failure from "./Failure.js"

/** Text rendering of executions. */
export * as Format from "./Format.js"
