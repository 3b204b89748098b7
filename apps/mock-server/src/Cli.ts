/**
 * The `refold-mock` command line: flags (and the `PORT`/`HOST` environment variables) to a
 * {@link Server.Config}, then serve until SIGINT or SIGTERM.
 *
 * @since 0.1.0
 */
import { Command, Options } from "@effect/cli"
import { DataSet } from "@refold-effect/fixtures"
import { Config, Console, Effect, Either, Option } from "effect"
import { createRequire } from "node:module"
import { invalidApiKeys, isCorsOrigin } from "@refold-effect/mock"
import * as ClockFlags from "./ClockFlags.js"
import * as FaultFlags from "./FaultFlags.js"
import { checked, integer, repeatable } from "./Flag.js"
import * as Server from "./Server.js"
import * as Terminal from "./Terminal.js"
import * as WebhookFlags from "./WebhookFlags.js"

// Read as text and checked whole: Config.integer reads an empty PORT as 0, a random port.
const isPort = (s: string) => /^\d{1,5}$/.test(s) && Number(s) <= 65535

const port = integer("port", 0, 65535).pipe(
  Options.withFallbackConfig(
    Config.string("PORT").pipe(
      Config.validate({ message: "PORT must be an integer from 0 to 65535", validation: isPort }),
      Config.map(Number),
      Config.withDefault(4010)
    )
  ),
  Options.withDescription("TCP port to listen on; 0 picks a free one. Default: $PORT, else 4010.")
)

const host = Options.text("host").pipe(
  Options.withFallbackConfig(Config.nonEmptyString("HOST").pipe(Config.withDefault("127.0.0.1"))),
  Options.withDescription("Interface to bind. Default: $HOST, else 127.0.0.1.")
)

const fixtures = Options.text("fixtures").pipe(
  Options.withPseudoName("dir"),
  Options.optional,
  Options.withDescription("Serve the data set in this directory (accounts.json, executions*.json) instead of the bundled one.")
)

const generate = integer("generate", 1, 10_000_000).pipe(
  Options.optional,
  Options.withDescription("Serve this many executions generated in memory instead of the bundled data set.")
)

const seed = integer("seed", 0, 2 ** 32 - 1).pipe(
  Options.optional,
  Options.withDescription("Seed of --generate (default 1): the same seed always gives the same data.")
)

const anchor = checked("anchor", (s) => {
  const invalid = DataSet.invalidAnchor(s)
  return invalid === undefined ? Either.right(s) : Either.left(invalid)
}).pipe(
  Options.withPseudoName("date"),
  Options.optional,
  Options.withDescription("The day --generate's data set is as of (YYYY-MM-DD; default today): executions are created over the 214 days before it.")
)

const apiKeys = repeatable(Options.text("api-key")).pipe(
  Options.withDescription("Accept only this x-api-key (repeat for several). Default: the data set's keys, else any non-empty key.")
)

const cors = repeatable(Options.text("cors").pipe(Options.withPseudoName("origin"))).pipe(
  Options.withDescription(
    "Browser origins allowed to call the mock (CORS), e.g. http://localhost:5173 (repeat for several); * for any, off for no CORS. Default: any. Cross-origin admin writes need a listed origin."
  )
)

/** The CORS policy of the `--cors` flags, or why they are wrong. */
export const corsPolicy = (values: ReadonlyArray<string>): Effect.Effect<Server.Cors, Server.StartupError> => {
  if (values.length === 0) return Effect.succeed("*")
  if (values.length === 1 && (values[0] === "*" || values[0] === "off")) return Effect.succeed(values[0] === "*" ? "*" : false)
  for (const value of values) {
    if (value === "*" || value === "off") return new Server.StartupError({ message: `--cors ${value} stands alone: no other --cors with it` })
    if (!isCorsOrigin(value)) {
      return new Server.StartupError({ message: `--cors takes *, off, or origins such as http://localhost:5173 (scheme, host and port only), got ${JSON.stringify(value)}` })
    }
  }
  return Effect.succeed(values)
}

/** The keys of the `--api-key` flags (none: `undefined`, the default), or why they cannot be used; a key is named by its place, never its value. */
export const apiKeyList = (values: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<string> | undefined, Server.StartupError> => {
  if (values.length === 0) return Effect.succeed(undefined)
  const why = invalidApiKeys(values)
  return why === undefined ? Effect.succeed(values) : new Server.StartupError({ message: `--api-key ${why.replace(/the key at index (\d+)/, (_, i) => `number ${Number(i) + 1}`)}` })
}

/** The source the flags select, or why they conflict. */
const source = (flags: {
  readonly fixtures: Option.Option<string>
  readonly generate: Option.Option<number>
  readonly seed: Option.Option<number>
  readonly anchor: Option.Option<string>
}): Effect.Effect<Server.Source, Server.StartupError> => {
  if (Option.isSome(flags.fixtures) && Option.isSome(flags.generate)) {
    return new Server.StartupError({ message: "--fixtures and --generate exclude each other: serve a directory or a generated data set" })
  }
  if (Option.isSome(flags.seed) && Option.isNone(flags.generate)) {
    return new Server.StartupError({ message: "--seed only applies to --generate" })
  }
  if (Option.isSome(flags.anchor) && Option.isNone(flags.generate)) {
    return new Server.StartupError({ message: "--anchor only applies to --generate" })
  }
  if (Option.isSome(flags.fixtures)) return Effect.succeed({ _tag: "Directory", dir: flags.fixtures.value })
  if (Option.isSome(flags.generate)) {
    return Effect.succeed({
      _tag: "Generated",
      size: flags.generate.value,
      seed: Option.getOrElse(flags.seed, () => 1),
      anchor: Option.getOrElse(flags.anchor, () => new Date().toISOString().slice(0, 10))
    })
  }
  return Effect.succeed({ _tag: "Bundled" })
}

/** Every option of the command, by the name its handler reads. */
export const options = { port, host, fixtures, generate, seed, anchor, apiKeys, cors, ...FaultFlags.options, ...ClockFlags.options, ...WebhookFlags.options }

/** The command: start, print the banner, and serve until interrupted (SIGINT, SIGTERM). */
export const command = Command.make("refold-mock", options, (flags) =>
  Effect.gen(function*() {
    const config: Server.Config = {
      port: flags.port,
      host: flags.host,
      source: yield* source(flags),
      apiKeys: yield* apiKeyList(flags.apiKeys),
      faults: yield* FaultFlags.faults(flags),
      adminToken: yield* FaultFlags.adminToken(flags.adminToken),
      clockSpeed: yield* ClockFlags.speed(flags),
      lifecycleSeed: Option.getOrUndefined(flags.lifecycleSeed),
      cors: yield* corsPolicy(flags.cors),
      webhooks: WebhookFlags.deliveries(flags)
    }
    const running = yield* Server.start(config)
    yield* Console.log(Server.banner(running, config))
    return yield* Effect.never
  }).pipe(
    Effect.scoped,
    Effect.tapError((error) => Console.error(`refold mock: cannot start: ${error.message}`))
  )
).pipe(Command.withDescription("A local Refold execution API that answers like the real one."))

const valueFlags = new Set(["--port", "--host", "--fixtures", "--generate", "--seed", "--anchor", "--api-key", "--cors", ...FaultFlags.valueFlags, ...ClockFlags.valueFlags, ...WebhookFlags.valueFlags])

/**
 * The first flag that takes a value but is given none (last, followed by another flag, or an empty
 * value: `--api-key ""`, `--host=`), and what it was given. The parser would otherwise read
 * `--api-key` at the end, or with an empty value, as no key at all, and start unrestricted.
 */
const missingValue = (args: ReadonlyArray<string>): string | undefined => {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg.endsWith("=") && valueFlags.has(arg.slice(0, -1))) return `${arg.slice(0, -1)} needs a value, got ""`
    if (!valueFlags.has(arg)) continue
    const next = args[i + 1]
    if (next === undefined || next.startsWith("--")) return `${arg} needs a value`
    if (next.trim() === "") return `${arg} needs a value, got ${JSON.stringify(next)}`
  }
  return undefined
}

/** The value flags that may be given more than once; any other is read once. */
const repeatedFlags = new Set(["--api-key", "--cors", ...FaultFlags.repeatedFlags])

/**
 * The first flag that takes one value but is given twice, and its two values. The parser would
 * answer "Received unknown argument: '--port'", which reads as if the flag did not exist.
 */
const givenTwice = (args: ReadonlyArray<string>): string | undefined => {
  const seen = new Map<string, string>()
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    const equals = arg.startsWith("--") ? arg.indexOf("=") : -1
    const name = equals === -1 ? arg : arg.slice(0, equals)
    if (!valueFlags.has(name)) continue
    const value = equals === -1 ? args[++i] ?? "" : arg.slice(equals + 1)
    if (repeatedFlags.has(name)) continue
    const before = seen.get(name)
    if (before !== undefined) return `${name} is given twice (${JSON.stringify(before)}, then ${JSON.stringify(value)}); give it once`
    seen.set(name, value)
  }
  return undefined
}

/**
 * Whether `--help` (or `-h`) is among the flags, where the parser would only take it first: `npm run
 * mock -- --help` appends it to the script's flags, and would answer "Received unknown argument".
 */
const wantsHelp = (args: ReadonlyArray<string>): boolean => {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === "--help" || arg === "-h") return true
    if (valueFlags.has(arg)) i++
  }
  return false
}

// The published version (Changesets bumps package.json); src/ and dist/ are both one level down.
const { version } = createRequire(import.meta.url)("../package.json") as { readonly version: string }

const cli = Command.run(command, { name: "refold mock server", version })

/**
 * Runs the command line (`process.argv`: the runtime and script, then the flags); help and errors
 * are printed fit for `streams`, the process's by default (see {@link Terminal.fitted}).
 */
export const run = (argv: ReadonlyArray<string>, streams: Terminal.Streams = process) => {
  if (wantsHelp(argv.slice(2))) return Terminal.fitted(cli([...argv.slice(0, 2), "--help"]), streams)
  const refused = missingValue(argv.slice(2)) ?? givenTwice(argv.slice(2))
  return Terminal.fitted(
    refused === undefined
      ? cli(argv)
      : Console.error(refused).pipe(Effect.zipRight(Effect.fail(new Server.StartupError({ message: refused })))),
    streams
  )
}
