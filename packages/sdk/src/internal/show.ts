/**
 * How a value appears in an error: an option's as the user gave it, before any decoding
 * (`Duration.decode` turns `-1` into zero, which would then be shown as `0`), and text taken from
 * an answer shortened.
 *
 * @internal
 */
import { Duration } from "effect"

/** `value` as written in code: numbers as numbers, text quoted, a `Duration` formatted. */
export const show = (value: unknown): string => {
  if (typeof value === "number") return String(value)
  if (typeof value === "bigint") return `${value}n`
  if (Duration.isDuration(value)) return Duration.format(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** What kind of value `value` is, for an error that refuses it without quoting it: `null`, `an array`, `an object`, `a number`, … */
export const kindOf = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : `a ${typeof value}`

/** `text` cut to `max` characters, with `…` where it was cut: text an error quotes from an answer. */
export const shorten = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text)
