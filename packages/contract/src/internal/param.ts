import { type ParseResult, Schema } from "effect"

/**
 * The message of a rejected query parameter, naming it: `Invalid query parameter "page": expected
 * …, got "x"`. Long values are cut at 64 characters so that a message stays one readable line.
 */
export const invalid = (name: string, expected: string) => (issue: ParseResult.ParseIssue) => {
  const actual = issue.actual
  const shown = typeof actual === "string" ? JSON.stringify(actual.length > 64 ? `${actual.slice(0, 64)}…` : actual) : String(actual)
  return { message: `Invalid query parameter "${name}": expected ${expected}, got ${shown}`, override: true }
}

/** A positive integer from 1 to `max` as decimal digits, decoded to a number. */
export const boundedInt = (name: string, max: number) =>
  Schema.compose(
    Schema.String.pipe(
      Schema.pattern(/^[0-9]{1,10}$/),
      Schema.annotations({ description: `A positive integer, at most ${max}.` })
    ),
    Schema.NumberFromString
  ).pipe(
    Schema.int(),
    Schema.between(1, max),
    Schema.annotations({
      message: invalid(name, `a positive integer no greater than ${max}`)
    })
  )

/** One of `literals`, refused with a message naming the parameter and listing them. */
export const choice = <const L extends readonly [string, ...Array<string>]>(name: string, literals: L, description: string) =>
  Schema.Literal(...literals).annotations({ message: invalid(name, `one of ${literals.join(", ")}`), description })

/** A free-text parameter of at most `max` characters. */
export const text = (name: string, max: number, description: string) =>
  Schema.String.pipe(
    Schema.maxLength(max),
    Schema.annotations({ message: invalid(name, `at most ${max} characters`), description })
  )

/** `"true"` or `"false"`, decoded to a boolean. */
export const booleanString = (name: string, description: string) =>
  Schema.transform(
    Schema.Literal("true", "false").annotations({ message: invalid(name, "true or false"), description }),
    Schema.Boolean,
    { strict: true, decode: (s) => s === "true", encode: (b) => (b ? "true" : "false") }
  )
