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
 * unless `noColor` is false), its output piped; with `interruptOn`, Ctrl-C once stdout matches it.
 */
export const spawn = (
  args: ReadonlyArray<string>,
  vars: Readonly<Record<string, string>>,
  { interruptOn, noColor = true }: { readonly noColor?: boolean; readonly interruptOn?: RegExp } = {}
) =>
  Effect.gen(function*() {
    const command = Command.make(process.execPath, "--conditions=@refold-effect/source", "--import", "tsx", "src/main.ts", ...args).pipe(
      Command.workingDirectory(appDir),
      Command.env(noColor ? { ...vars, NO_COLOR: "1" } : vars, { extendEnv: false })
    )
    const child = yield* Command.start(command)
    // `interruptOn`: Ctrl-C (SIGINT, once) as soon as stdout so far matches it.
    let seen = ""
    const out = interruptOn === undefined ? child.stdout : child.stdout.pipe(
      Stream.decodeText(),
      Stream.tap((chunk) => {
        const before = interruptOn.test(seen)
        seen += chunk
        return !before && interruptOn.test(seen) ? child.kill("SIGINT").pipe(Effect.ignore) : Effect.void
      }),
      Stream.encodeText
    )
    const [stdout, stderr, exitCode] = yield* Effect.all([text(out), text(child.stderr), child.exitCode], {
      concurrency: "unbounded"
    })
    return { exitCode, stdout, stderr } satisfies Run
  }).pipe(Effect.scoped, Effect.provide(NodeContext.layer))
