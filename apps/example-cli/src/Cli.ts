/**
 * The `refold-executions` command line: `list`, `get`, `watch` and `run` as `@effect/cli` commands over the
 * programs of `./commands`, each run with the SDK's `Executions` service configured from the
 * environment, ending in an exit code. Help and errors are printed fit for the streams (see `Terminal`).
 *
 * The `HttpClient` is left to the caller: `main.ts` provides Node's, tests provide the mock's. The
 * SDK's layers are built inside each command, so that `--help` works without credentials.
 *
 * @since 0.1.0
 */
import { type CliApp, Args, Command, CommandDescriptor as Descriptor, HelpDoc, Options, type Usage, ValidationError } from "@effect/cli"
import type { HttpClient } from "@effect/platform"
import { Execution, Executions, RefoldAuth, RefoldConfig, Workflows } from "@refold-effect/sdk"
import { Console, Duration, Effect, Either, HashMap, Layer, Option } from "effect"
import { get } from "./commands/get.js"
import { list } from "./commands/list.js"
import { run as runWorkflow } from "./commands/run.js"
import { defaults as watchDefaults, watch } from "./commands/watch.js"
import * as Failure from "./Failure.js"
import * as Terminal from "./Terminal.js"

/** The SDK from the environment: `REFOLD_API_KEY` + `REFOLD_LINKED_ACCOUNT_ID` or `REFOLD_SESSION_TOKEN`, `REFOLD_BASE_URL`, … */
export const executionsLayer = Executions.layer.pipe(Layer.provide([RefoldAuth.layerConfig(), RefoldConfig.layerConfig()]))

/** The SDK's `Workflows` and `Executions` from the environment, for `run`. */
export const workflowsLayer = Layer.merge(Workflows.layer, Executions.layer).pipe(
  Layer.provide([RefoldAuth.layerConfig(), RefoldConfig.layerConfig()])
)

const units: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }

/** `2s`, `500ms`, `5m`, `1h` or Effect's own `10 seconds`, as a positive finite duration. */
export const parseDuration = (text: string): Duration.Duration | undefined => {
  const short = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(text)
  const duration = short !== null
    ? Option.some(Duration.millis(Number(short[1]) * units[short[2]!]!))
    : Duration.decodeUnknown(text.trim())
  return Option.isSome(duration) && Duration.isFinite(duration.value) && Duration.greaterThan(duration.value, Duration.zero)
    ? duration.value
    : undefined
}

/** A `--name <duration>` option, its value checked by {@link parseDuration}. */
const durationOption = (name: string, fallback: Duration.Duration) =>
  Options.text(name).pipe(
    Options.withPseudoName("duration"),
    Options.withDefault(`${Duration.toMillis(fallback)}ms`),
    Options.mapEffect((text) => {
      const duration = parseDuration(text)
      return duration === undefined
        ? Effect.fail(
          ValidationError.invalidValue(
            HelpDoc.p(`--${name}: expected a positive duration such as 2s, 500ms, 5m or "10 seconds", got ${JSON.stringify(text)}`)
          )
        )
        : Effect.succeed(duration)
    })
  )

/**
 * A `--name <value>` option taking one of `values`. Text checked here rather than `Options.choice`,
 * whose error ("Expected one of the following cases: …") does not say which flag was wrong.
 */
const choice = <const A extends string>(name: string, values: ReadonlyArray<A>) =>
  Options.text(name).pipe(
    Options.mapEffect((text) => {
      const value = values.find((v) => v === text)
      return value === undefined
        ? Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--${name} must be one of ${values.join(", ")}, got ${JSON.stringify(text)}`)))
        : Effect.succeed(value)
    }),
    Options.withPseudoName(values.join("|"))
  )

/**
 * A `--name <n>` option taking an integer. Text checked here rather than `Options.integer`, whose
 * error ("'abc' is not a integer") does not say which flag was wrong; the range is the SDK's to
 * check (`Invalid --limit: expected a positive integer no greater than 1000, got "0"`).
 */
const integer = (name: string) =>
  Options.text(name).pipe(
    Options.withPseudoName("n"),
    Options.mapEffect((text) =>
      /^[+-]?\d+$/.test(text)
        ? Effect.succeed(Number(text))
        : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`Invalid --${name}: expected a positive integer, got ${JSON.stringify(text)}`)))
    )
  )

const json = Options.boolean("json").pipe(Options.withDescription("Print JSON instead of a table."))

const optional = <A>(options: Options.Options<A>) => Options.map(Options.optional(options), Option.getOrUndefined)

const listCommand = Command.make(
  "list",
  {
    status: optional(choice("status", Execution.statuses)).pipe(Options.withDescription("Only executions with this status.")),
    source: optional(choice("source", Execution.sources)).pipe(Options.withDescription("Only executions from this trigger source.")),
    type: optional(choice("type", Execution.types)).pipe(Options.withDescription("Only SYNC or ASYNC executions.")),
    since: optional(Options.text("since").pipe(Options.withPseudoName("date"))).pipe(
      Options.withDescription("Only executions created on or after this day (YYYY-MM-DD, UTC) or instant (ISO 8601).")
    ),
    until: optional(Options.text("until").pipe(Options.withPseudoName("date"))).pipe(
      Options.withDescription("Only executions created on or before this day (the whole day, UTC) or instant (ISO 8601).")
    ),
    limit: optional(integer("limit")).pipe(
      Options.withDescription("Executions per page, 1 to 1000 (default 10; 100 with --all).")
    ),
    page: optional(integer("page")).pipe(Options.withDescription("The page to show (or to start from with --all).")),
    all: Options.boolean("all").pipe(Options.withDescription("Stream every page instead of one.")),
    json
  },
  (options) => list(options).pipe(Effect.provide(executionsLayer), Failure.onInterrupt("Interrupted: the listing stopped."))
).pipe(Command.withDescription("List the linked account's executions, newest first."))

const executionId = Args.text({ name: "id" }).pipe(Args.withDescription("The execution's id."))

const getCommand = Command.make(
  "get",
  { executionId, json },
  ({ executionId, json }) => get(executionId, { json }).pipe(Effect.provide(executionsLayer), Failure.onInterrupt("Interrupted."))
).pipe(Command.withDescription("Show one execution with its nodes."))

const watchCommand = Command.make(
  "watch",
  {
    executionId,
    interval: durationOption("interval", watchDefaults.interval).pipe(
      Options.withDescription("Pause between polls, such as 2s or 500ms (default 2s).")
    ),
    timeout: durationOption("timeout", watchDefaults.timeout).pipe(
      Options.withDescription("Give up after this long, such as 5m (default 5m); exit code 124.")
    )
  },
  ({ executionId, ...options }) => watch(executionId, options).pipe(Effect.provide(executionsLayer))
).pipe(
  Command.withDescription(
    "Poll an execution until it is COMPLETED, ERRORED, STOPPED or TIMED_OUT, printing its progress. Exits 0 only when it COMPLETED."
  )
)

/** A JSON object, as `--payload` takes it; the message names the flag and what was wrong. */
export const parsePayload = (text: string): Either.Either<Record<string, unknown>, string> => {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    return Either.left(`--payload: expected a JSON object, got invalid JSON (${e instanceof Error ? e.message : String(e)})`)
  }
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? Either.right(value as Record<string, unknown>)
    : Either.left(`--payload: expected a JSON object such as '{"email":"a@b.c"}', got ${Array.isArray(value) ? "an array" : JSON.stringify(value)}`)
}

const runCommand = Command.make(
  "run",
  {
    workflowId: Args.text({ name: "workflowId" }).pipe(Args.withDescription("The workflow to execute.")),
    slug: Options.text("slug").pipe(Options.withPseudoName("app"), Options.withDescription("The slug of the workflow's application (required by the API).")),
    payload: optional(
      Options.text("payload").pipe(
        Options.withPseudoName("json"),
        Options.mapEffect((text) =>
          Either.match(parsePayload(text), {
            onLeft: (message) => Effect.fail(ValidationError.invalidValue(HelpDoc.p(message))),
            onRight: Effect.succeed
          })
        )
      )
    ).pipe(Options.withDescription("The trigger payload, a JSON object (default {}).")),
    interval: durationOption("interval", watchDefaults.interval).pipe(
      Options.withDescription("Pause between polls, such as 2s or 500ms (default 2s).")
    ),
    timeout: durationOption("timeout", watchDefaults.timeout).pipe(
      Options.withDescription("Give up after this long, such as 5m (default 5m); exit code 124.")
    )
  },
  ({ workflowId, ...options }) => runWorkflow(workflowId, options).pipe(Effect.provide(workflowsLayer))
).pipe(
  Command.withDescription(
    "Execute a workflow and follow the new execution to its end, printing a progress bar. Exits 0 only when it COMPLETED."
  )
)

/** The flags of a usage that take a value (`--limit n`, not `--json`), each with what it takes. */
const valueFlags = (usage: Usage.Usage): ReadonlyArray<readonly [flag: string, takes: string]> => {
  switch (usage._tag) {
    case "Named":
      return Option.match(usage.acceptedValues, { onNone: () => [], onSome: (takes) => usage.names.map((name) => [name, takes] as const) })
    case "Optional":
    case "Repeated":
      return valueFlags(usage.usage)
    case "Alternation":
    case "Concat":
      return [...valueFlags(usage.left), ...valueFlags(usage.right)]
    default:
      return []
  }
}

/** The command tree. */
export const command = Command.make("refold-executions").pipe(
  Command.withSubcommands([listCommand, getCommand, watchCommand, runCommand]),
  Command.withDescription("Executions of a Refold linked account, from the terminal.")
)

/**
 * What is wrong when a flag of `args` that takes a value is given none (it is the last argument, or
 * another flag follows it): `--status needs a value: --status COMPLETED|RUNNING|…`. `@effect/cli` reports an optional one as "Received unknown argument: '--status'", as if the
 * flag did not exist; this names what is missing instead.
 */
export const missingValue = (args: ReadonlyArray<string>): string | undefined => {
  const sub = HashMap.get(Command.getSubcommands(command), args[0] ?? "")
  if (Option.isNone(sub)) return undefined
  const flags = new Map(valueFlags(Descriptor.getUsage(sub.value)))
  const flag = args.find((arg, i) => flags.has(arg) && (i === args.length - 1 || args[i + 1]!.startsWith("--")))
  return flag === undefined ? undefined : `${flag} needs a value: ${flag} ${flags.get(flag)}`
}

const cli = Command.run(command, { name: "refold-executions", version: "0.1.0" })

/**
 * Runs the command line on `args` (without `node` and the script: `["list", "--status", "ERRORED"]`)
 * to its exit code; see {@link Failure.ExitCode}. Output goes to the `Console` service, fit for
 * `streams` (the process's by default): no ANSI styles off a colour terminal or under `NO_COLOR`.
 */
export const run = (
  args: ReadonlyArray<string>,
  streams: Terminal.Streams = process
): Effect.Effect<number, never, HttpClient.HttpClient | CliApp.CliApp.Environment> => {
  const missing = missingValue(args)
  return missing === undefined
    ? Terminal.fitted(Failure.exitCode(cli(["node", "refold-executions", ...args])), streams)
    : Effect.as(Console.error(missing), Failure.ExitCode.usage)
}
