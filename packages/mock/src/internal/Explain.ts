/**
 * Decoding of the JSON that users hand the mock (faults, request patterns): the value, or one
 * sentence naming the first field that is wrong, rooted at what the user calls the whole thing.
 *
 * @internal
 */
import { Cause, Either, ParseResult, Runtime, Schema } from "effect"

/** A stack overflow, thrown as it is or as the defect of the fiber that decoding runs in. */
const overflowed = (e: unknown): boolean =>
  e instanceof RangeError || (Runtime.isFiberFailure(e) && Cause.squash(e[Runtime.FiberFailureCauseId]) instanceof RangeError)

/** A decoder for `schema` whose failures read `Invalid <root>.<path>: <why>`; excess fields are errors. */
export const decoder = <A, I>(schema: Schema.Schema<A, I>, root: string, what: string) => {
  const decodeEither = Schema.decodeUnknownEither(schema, { errors: "first", onExcessProperty: "error" })
  return (input: unknown): Either.Either<A, string> => {
    try {
      return Either.mapLeft(decodeEither(input), (error) => {
        const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
        const path = issue === undefined || issue.path.length === 0 ? root : `${root}.${issue.path.join(".")}`
        return `Invalid ${path}: ${issue?.message ?? what}`
      })
    } catch (e) {
      // Decoding and formatting recurse on the input: a value nested thousands deep overflows the stack.
      if (overflowed(e)) return Either.left(`Invalid ${root}: nested too deeply`)
      throw e
    }
  }
}
