/**
 * Flag builders the command line shares: flags read as text and checked, whose errors name the flag
 * (`--port must be an integer from 0 to 65535, got "abc"`, where `Options.integer` says
 * `'1.5' is not a integer`, names no flag and takes any sign), and repeatable flags that the usage
 * line shows as optional (`[--api-key text...]`; `Options.repeated` alone reads as required).
 *
 * @since 0.2.0
 */
import { HelpDoc, Options } from "@effect/cli"
import { Either, Option } from "effect"

/**
 * The flag `--<name>`, read as text and checked by `parse`, which answers the value or what is wrong
 * with it; the error reads `--<name> <what is wrong>`.
 */
export const checked = <A>(name: string, parse: (text: string) => Either.Either<A, string>): Options.Options<A> =>
  Options.text(name).pipe(
    Options.mapTryCatch(
      (s) => Either.getOrThrowWith(parse(s), (why) => new RangeError(why)),
      (error) => HelpDoc.p(`--${name} ${(error as Error).message}`)
    )
  )

/** The flag `--<name>`, an integer from `min` to `max`. */
export const integer = (name: string, min: number, max: number): Options.Options<number> =>
  checked(name, (s) =>
    /^-?\d{1,16}$/.test(s) && Number(s) >= min && Number(s) <= max
      ? Either.right(Number(s))
      : Either.left(`must be an integer from ${min} to ${max}, got ${JSON.stringify(s)}`)).pipe(Options.withPseudoName("integer"))

/** A flag given any number of times (none: an empty list), bracketed as optional in the usage line. */
export const repeatable = <A>(flag: Options.Options<A>): Options.Options<ReadonlyArray<A>> =>
  flag.pipe(Options.repeated, Options.optional, Options.map(Option.getOrElse((): ReadonlyArray<A> => [])))
