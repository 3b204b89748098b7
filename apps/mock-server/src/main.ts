#!/usr/bin/env node
/**
 * Entry point of the mock server: `node dist/main.js [--port n] [--host h] [--fixtures dir |
 * --generate n [--seed s]] [--api-key k]...`. Exits 0 on SIGINT/SIGTERM, 1 when it cannot start.
 */
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { run } from "./Cli.js"

// `pnpm start -- --port 5000` hands the script a literal `--` first; flags follow it.
const argv = process.argv[2] === "--" ? [...process.argv.slice(0, 2), ...process.argv.slice(3)] : process.argv

NodeRuntime.runMain(run(argv).pipe(Effect.provide(NodeContext.layer)), { disableErrorReporting: true })
