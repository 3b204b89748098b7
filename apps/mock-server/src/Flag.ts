/**
 * Flag builders the command line shares: integers whose errors name the flag and its range
 * (`--port must be an integer from 0 to 65535, got "abc"`, where `Options.integer` says
 * `'1.5' is not a integer`, names no flag and takes any sign), and repeatable flags that the usage
 * line shows as optional (`[--api-key text...]`; `Options.repeated` alone reads as required).
 *
 * @since 0.2.0
 */
import { HelpDoc, Options } from "@effect/cli"
import { Option } from "effect"

/** The flag `--<name>`, an integer from `min` to `max`. */
export const integer = (name: string, min: number, max: number): Options.Options<number> =>
  Options.text(name).pipe(
    Options.mapTryCatch(
      (s) => {
        if (!/^-?\d{1,16}$/.test(s) || Number(s) < min || Number(s) > max) throw new RangeError(s)
        return Number(s)
      },
      (error) => HelpDoc.p(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify((error as Error).message)}`)
    ),
    Options.withPseudoName("integer")
  )

/** A flag given any number of times (none: an empty list), bracketed as optional in the usage line. */
export const repeatable = <A>(flag: Options.Options<A>): Options.Options<ReadonlyArray<A>> =>
  flag.pipe(Options.repeated, Options.optional, Options.map(Option.getOrElse((): ReadonlyArray<A> => [])))
