/**
 * The regular expressions a test hands the mock (the journal's `urlPattern`, `matches`, ...),
 * compiled by `re2js`, a JavaScript port of RE2: matching takes time linear in the input, so no
 * pattern can stall the event loop with catastrophic backtracking (`(a+)+$`), as JavaScript's own
 * engine would. RE2's syntax is Perl's without backreferences and lookaround, which it refuses;
 * patterns are also refused past {@link MAX_LENGTH} characters, which bounds the work per match.
 */
import { Either } from "effect"
import { RE2JS } from "re2js"

/** The longest pattern accepted, in characters. */
export const MAX_LENGTH = 256

/** A compiled pattern: whether it matches the WHOLE value (Java's `matches`, as WireMock does). */
export type Matcher = (value: string) => boolean

/** Compiles a pattern (`.` matches newlines too), or says in a phrase why it cannot be run. */
export const compile = (source: string): Either.Either<Matcher, string> => {
  if (source.length > MAX_LENGTH) return Either.left(`not a valid regular expression: longer than ${MAX_LENGTH} characters`)
  try {
    const re = RE2JS.compile(source, RE2JS.DOTALL)
    return Either.right((value) => re.matches(value))
  } catch (e) {
    return Either.left(`not a valid regular expression (RE2 syntax: no lookaround, no backreferences, repeats up to 1000): ${(e as Error).message}`)
  }
}

/** {@link compile} for a pattern already checked by it. */
export const unsafeCompile = (source: string): Matcher => Either.getOrThrowWith(compile(source), (message) => new Error(message))
