/**
 * Runs `refold-executions` in-process, as a test would run any Effect program: the command line's
 * arguments in, its exit code and what it printed out. Output is captured by swapping Effect's
 * `Console` service; configuration comes from a `ConfigProvider` standing for the environment.
 */
import type { HttpClient } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { ConfigProvider, type Console, Effect } from "effect"
import { Cli } from "../../src/index.js"

/** What a run printed, and how it ended. */
export interface Run {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

/** The lines of `text`, without the empty last one. */
export const lines = (text: string): ReadonlyArray<string> => (text === "" ? [] : text.replace(/\n$/, "").split("\n"))

/**
 * Runs `self` with a `Console` that records what it prints: `log`/`info` as stdout, `error`/`warn`
 * as stderr, one line per call.
 */
export const capture = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    const base = yield* Effect.console
    const write = (into: Array<string>) => (...args: ReadonlyArray<unknown>) => Effect.sync(() => void into.push(`${args.map(String).join(" ")}\n`))
    const unsafeWrite = (into: Array<string>) => (...args: ReadonlyArray<unknown>) => void into.push(`${args.map(String).join(" ")}\n`)
    const console: Console.Console = {
      ...base,
      log: write(stdout),
      info: write(stdout),
      error: write(stderr),
      warn: write(stderr),
      unsafe: { ...base.unsafe, log: unsafeWrite(stdout), info: unsafeWrite(stdout), error: unsafeWrite(stderr), warn: unsafeWrite(stderr) }
    }
    const value = yield* Effect.withConsole(self, console)
    return { value, stdout: stdout.join(""), stderr: stderr.join("") }
  })

/** The API key the tests use; every test of a failure asserts that it never shows. */
export const API_KEY = "tk_example_cli_secret_0123456789"

/**
 * The environment of a run: an API key for `user_12345` and settings short enough that retries and
 * timeouts take milliseconds. Any base URL reaches an in-process mock.
 */
export const env: Readonly<Record<string, string>> = {
  REFOLD_API_KEY: API_KEY,
  REFOLD_LINKED_ACCOUNT_ID: "user_12345",
  REFOLD_BASE_URL: "http://refold.test",
  REFOLD_TIMEOUT: "300",
  REFOLD_DEADLINE: "5000",
  REFOLD_MAX_RETRIES: "2",
  REFOLD_RETRY_DELAY: "5",
  REFOLD_MAX_RETRY_DELAY: "20",
  REFOLD_MAX_RETRY_AFTER: "2000"
}

/**
 * Runs the command line on `args` with the variables `vars` (by default {@link env}) and the
 * `HttpClient` of the context (in these tests, the mock's).
 */
export const run = (
  args: ReadonlyArray<string>,
  vars: Readonly<Record<string, string>> = env
): Effect.Effect<Run, never, HttpClient.HttpClient> =>
  capture(Cli.run(args)).pipe(
    Effect.map(({ stderr, stdout, value }) => ({ exitCode: value, stdout, stderr })),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(vars)))),
    Effect.provide(NodeContext.layer)
  )
