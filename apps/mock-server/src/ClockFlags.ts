/**
 * The command line's clock flags (see `MockClock` and `Lifecycle` in `@refold-effect/mock`): how
 * fast the executions run, and the seed of their outcomes.
 *
 * ```sh
 * refold-mock --clock-speed 60        # a minute of executions per second
 * refold-mock --clock manual          # time moves only with POST /__admin/clock/advance {"ms": N}
 * ```
 *
 * @since 0.2.0
 */
import { Options } from "@effect/cli"
import { Lifecycle, MockClock } from "@refold-effect/mock"
import { Effect, Either, Option } from "effect"
import { checked, integer } from "./Flag.js"
import * as Server from "./Server.js"

/** The values `--clock` takes. */
export const clocks = ["real", "manual"] as const

/** The clock flags, parsed but not yet checked together. */
export const options = {
  // Text rather than `Options.choice`, whose error ("Expected one of the following cases") names no flag.
  clock: checked("clock", (s) => {
    const clock = clocks.find((c) => c === s)
    return clock === undefined ? Either.left(`must be one of ${clocks.join(", ")}, got ${JSON.stringify(s)}`) : Either.right(clock)
  }).pipe(
    Options.withPseudoName(clocks.join("|")),
    Options.optional,
    Options.withDescription("real (default): executions run as time passes, times --clock-speed; manual: only POST /__admin/clock/advance {\"ms\": N} moves them.")
  ),
  clockSpeed: checked("clock-speed", (s) => {
    const n = s.trim() === "" ? Number.NaN : Number(s)
    return MockClock.invalidSpeed(n) !== undefined || n === 0
      ? Either.left(`must be a number above 0 and at most 1000000, got ${JSON.stringify(s)}`)
      : Either.right(n)
  }).pipe(
    Options.withPseudoName("factor"),
    Options.optional,
    Options.withDescription("Run executions this many times faster than real time (60: a minute per second; 0.5: half speed). Default 1.")
  ),
  lifecycleSeed: integer("lifecycle-seed", Lifecycle.seeds.min, Lifecycle.seeds.max).pipe(
    Options.optional,
    Options.withDescription("Seed of the executions' outcomes and node timings (default 1): the same seed, the same runs.")
  )
}

/** The flags that take a value. */
export const valueFlags = ["--clock", "--clock-speed", "--lifecycle-seed"]

/** The clock speed the flags select (0: manual), or why they conflict. */
export const speed = (flags: {
  readonly clock: Option.Option<typeof clocks[number]>
  readonly clockSpeed: Option.Option<number>
}): Effect.Effect<number, Server.StartupError> => {
  if (Option.getOrUndefined(flags.clock) === "manual") {
    return Option.isSome(flags.clockSpeed)
      ? new Server.StartupError({ message: "--clock manual and --clock-speed exclude each other: a manual clock moves only when told" })
      : Effect.succeed(0)
  }
  return Effect.succeed(Option.getOrElse(flags.clockSpeed, () => 1))
}


