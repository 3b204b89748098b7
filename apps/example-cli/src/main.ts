#!/usr/bin/env node
/**
 * Entry point of `refold-executions`: Node's HTTP client, file system and terminal under the
 * command line of `Cli.ts`; exits with the code it returns (see `Failure.ExitCode`).
 */
import { NodeContext, NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Effect, Exit, Layer, Logger } from "effect"
import * as Cli from "./Cli.js"
import * as Failure from "./Failure.js"

// `pnpm start -- list` hands the script a literal `--` first; the arguments follow it.
const args = process.argv.slice(2)
const argv = args[0] === "--" ? args.slice(1) : args

// Logs (the SDK's retries at --log-level debug) go to stderr, keeping stdout for results.
const stderrLogs = Logger.replace(Logger.defaultLogger, Logger.prettyLogger({ stderr: true }))

NodeRuntime.runMain(
  Cli.run(argv).pipe(Effect.provide(Layer.mergeAll(NodeContext.layer, NodeHttpClient.layerUndici, stderrLogs))),
  {
    disablePrettyLogger: true,
    teardown: (exit, onExit) =>
      onExit(Exit.isSuccess(exit) && typeof exit.value === "number" ? exit.value : Exit.isInterrupted(exit) ? Failure.ExitCode.interrupted : 1)
  }
)
