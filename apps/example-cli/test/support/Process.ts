/**
 * The real `refold-executions` process: `src/main.ts` under Node (through tsx, so no build is
 * needed), with only the environment variables given, its output and exit code collected.
 */
import { Command } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { Effect, Stream } from "effect"
import { fileURLToPath } from "node:url"
import type { Run } from "./Cli.js"

const appDir = fileURLToPath(new URL("../..", import.meta.url))

const text = <E>(bytes: Stream.Stream<Uint8Array, E>) => bytes.pipe(Stream.decodeText(), Stream.mkString)

/**
 * Runs the CLI as a child process with `args` and exactly the variables `vars` (plus `NO_COLOR`,
 * unless `noColor` is false), its output piped.
 */
export const spawn = (args: ReadonlyArray<string>, vars: Readonly<Record<string, string>>, { noColor = true } = {}) =>
  Effect.gen(function*() {
    const command = Command.make(process.execPath, "--conditions=@refold-effect/source", "--import", "tsx", "src/main.ts", ...args).pipe(
      Command.workingDirectory(appDir),
      Command.env(noColor ? { ...vars, NO_COLOR: "1" } : vars, { extendEnv: false })
    )
    const child = yield* Command.start(command)
    const [stdout, stderr, exitCode] = yield* Effect.all([text(child.stdout), text(child.stderr), child.exitCode], {
      concurrency: "unbounded"
    })
    return { exitCode, stdout, stderr } satisfies Run
  }).pipe(Effect.scoped, Effect.provide(NodeContext.layer))
