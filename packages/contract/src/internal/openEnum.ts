import { Schema } from "effect"

/**
 * The type of an open enum: the known literals stay visible to the type checker (editors complete
 * them, `switch` narrows them) while any other string is still accepted.
 */
export type OpenEnum<L extends string> = L | (string & {})

/**
 * An enum that the vendor may extend: decoding accepts every string, so a value the docs do not
 * list yet never fails a page of results, while the known literals stay typed and documented.
 */
export const openEnum = <const L extends readonly [string, ...Array<string>]>(
  identifier: string,
  literals: L,
  description: string
): Schema.Schema<OpenEnum<L[number]>, string> =>
  Schema.Union(Schema.Literal(...literals), Schema.String).annotations({
    identifier,
    description: `${description} Known values: ${literals.join(", ")}; other values are accepted for forward compatibility.`,
    examples: [literals[0]]
  }) as unknown as Schema.Schema<OpenEnum<L[number]>, string>
