/**
 * A value as an error message names it: a number as JavaScript prints it (`NaN`, `1.5`, `-1`), a
 * string quoted, anything else by its JSON or its type, never throwing (a `BigInt`, a cycle).
 *
 * @internal
 */

/** `value` for an error message. */
export const shown = (value: unknown): string => {
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean" || value === undefined || value === null) return String(value)
  if (typeof value === "function") return "a function"
  if (typeof value === "symbol") return value.toString()
  try {
    const json = JSON.stringify(value)
    return json.length > 80 ? `${json.slice(0, 80)}…` : json
  } catch {
    return `a ${Array.isArray(value) ? "list" : typeof value} that is not JSON`
  }
}

/** Text the client sent, quoted for an error message and cut at 64 characters (a name, a value). */
export const quoted = (text: string): string => JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text)
