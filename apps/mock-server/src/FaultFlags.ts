/**
 * The command line's fault flags (see `Faults` in `@refold-effect/mock`): simple flags for the
 * common faults, `--faults` for the whole setting as JSON (or `@file.json`), and the admin token.
 * Flags override the matching parts of `--faults`.
 *
 * ```sh
 * refold-mock --latency 20-80 --error-rate 0.05 --error-status 503 --rate-limit 0.1 --fault-seed 7
 * refold-mock --faults '{"latency":{"type":"lognormal","median":40,"sigma":0.5}}' --admin-token "$TOKEN"
 * ```
 *
 * @since 0.1.0
 */
import { Options } from "@effect/cli"
import { Admin, Faults } from "@refold-effect/mock"
import { Config, Effect, Either, Option, Redacted } from "effect"
import { readFileSync } from "node:fs"
import { checked, repeatable } from "./Flag.js"
import * as Server from "./Server.js"

const rate = (name: string, description: string) =>
  checked(name, (s) => {
    const n = Number(s)
    return s.trim() === "" || !(n >= 0 && n <= 1) ? Either.left(`must be a rate from 0 to 1, got ${JSON.stringify(s)}`) : Either.right(n)
  }).pipe(
    Options.withPseudoName("rate"),
    Options.optional,
    Options.withDescription(description)
  )

const text = (name: string, pseudo: string, description: string) =>
  Options.text(name).pipe(Options.withPseudoName(pseudo), Options.optional, Options.withDescription(description))

/** The fault flags, parsed but not yet checked together. */
export const options = {
  faults: text("faults", "json|@file", "Global faults as JSON, or @path to a JSON file (see the mock's README: latency, errors, rateLimit, resets, arrivals, seed)."),
  latency: text("latency", "ms|min-max", "Delay every API request: a fixed number of milliseconds, or a uniform range such as 20-80."),
  errorRate: rate("error-rate", "Answer this share of API requests with an error (see --error-status)."),
  errorStatus: repeatable(Options.text("error-status").pipe(Options.withPseudoName("status"))).pipe(
    Options.withDescription("An error status for --error-rate (repeat for several). Default: 500, 502, 503.")
  ),
  rateLimit: rate("rate-limit", "Answer this share of API requests 429 with Retry-After."),
  retryAfter: text("retry-after", "seconds", "The Retry-After of --rate-limit's 429s (default 1)."),
  resetRate: rate("reset-rate", "Drop the connection of this share of API requests."),
  faultSeed: text("fault-seed", "integer", "Seed of the faults' PRNG (default 1): the same seed gives the same faults for the same requests."),
  adminToken: Options.redacted("admin-token").pipe(
    Options.withPseudoName("token"),
    Options.withFallbackConfig(Config.redacted("REFOLD_MOCK_ADMIN_TOKEN")),
    Options.optional,
    Options.withDescription("Require Authorization: Bearer <token> on /__admin (but health). Default: $REFOLD_MOCK_ADMIN_TOKEN, else open.")
  )
}

/** The value flags, for the check that each is given a value. */
export const valueFlags = ["--faults", "--latency", "--error-rate", "--error-status", "--rate-limit", "--retry-after", "--reset-rate", "--fault-seed", "--admin-token"]

/** The value flags that may be given more than once. */
export const repeatedFlags = ["--error-status"]

type Flags = { readonly [K in Exclude<keyof typeof options, "adminToken" | "errorStatus">]: Option.Option<K extends "errorRate" | "rateLimit" | "resetRate" ? number : string> } & {
  readonly errorStatus: ReadonlyArray<string>
}

const fail = (message: string) => Effect.fail(new Server.StartupError({ message }))

const integerOf = (flag: string, s: string): Effect.Effect<number, Server.StartupError> =>
  /^-?\d{1,10}$/.test(s) ? Effect.succeed(Number(s)) : fail(`${flag} must be an integer, got ${JSON.stringify(s)}`)

const json = (flag: string, value: string): Effect.Effect<Record<string, unknown>, Server.StartupError> =>
  Effect.try({
    try: () => {
      const text = value.startsWith("@") ? readFileSync(value.slice(1), "utf8") : value
      const parsed: unknown = JSON.parse(text)
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("expected a JSON object")
      return parsed as Record<string, unknown>
    },
    catch: (e) => new Server.StartupError({ message: `${flag}: ${(e as Error).message}` })
  })

/** The global faults the flags describe, checked with the mock's own decoder; `{}` for none. */
export const faults = (flags: Flags): Effect.Effect<Faults.Faults, Server.StartupError> =>
  Effect.gen(function*() {
    const out: Record<string, unknown> = Option.isSome(flags.faults) ? yield* json("--faults", flags.faults.value) : {}
    if (Option.isSome(flags.faultSeed)) out["seed"] = yield* integerOf("--fault-seed", flags.faultSeed.value)
    if (Option.isSome(flags.latency)) {
      const range = /^(\d{1,6})(?:-(\d{1,6}))?$/.exec(flags.latency.value)
      if (range === null) return yield* fail(`--latency must be milliseconds (50) or a range (20-80), got ${JSON.stringify(flags.latency.value)}`)
      out["latency"] = range[2] === undefined ? { type: "fixed", ms: Number(range[1]) } : { type: "uniform", lower: Number(range[1]), upper: Number(range[2]) }
    }
    if (flags.errorStatus.length > 0 && Option.isNone(flags.errorRate)) return yield* fail("--error-status needs --error-rate")
    if (Option.isSome(flags.errorRate)) {
      const statuses: Array<number> = []
      for (const s of flags.errorStatus) statuses.push(yield* integerOf("--error-status", s))
      out["errors"] = { rate: flags.errorRate.value, ...(statuses.length > 0 ? { statuses } : {}) }
    }
    if (Option.isSome(flags.retryAfter) && Option.isNone(flags.rateLimit)) return yield* fail("--retry-after needs --rate-limit")
    if (Option.isSome(flags.rateLimit)) {
      const retryAfter = Option.isSome(flags.retryAfter) ? yield* integerOf("--retry-after", flags.retryAfter.value) : undefined
      out["rateLimit"] = { rate: flags.rateLimit.value, ...(retryAfter === undefined ? {} : { retryAfter }) }
    }
    if (Option.isSome(flags.resetRate)) out["resets"] = { rate: flags.resetRate.value }
    return yield* Either.match(Faults.decode(out), {
      onLeft: (message) => fail(message),
      onRight: Effect.succeed
    })
  })

/** The admin token, if one is set. */
export type AdminToken = Option.Option<Redacted.Redacted<string>>

/**
 * The admin token, or a refusal when no request could present it (`Authorization: Bearer <t>`
 * carries one word): an empty `REFOLD_MOCK_ADMIN_TOKEN`, as a CI secret missing on a fork gives,
 * would otherwise lock `/__admin` for good. The message never shows the token.
 */
export const adminToken = (token: AdminToken): Effect.Effect<Redacted.Redacted<string> | undefined, Server.StartupError> =>
  Option.isNone(token)
    ? Effect.succeed(undefined)
    : Admin.invalidToken(Redacted.value(token.value)) === undefined
    ? Effect.succeed(token.value)
    : fail("--admin-token (or REFOLD_MOCK_ADMIN_TOKEN) must be a non-empty token without spaces; leave both unset for an open admin API")
