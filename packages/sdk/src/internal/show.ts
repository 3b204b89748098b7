/**
 * How an option's value appears in the error that refuses it: as the user gave it, before any
 * decoding (`Duration.decode` turns `-1` into zero, which would then be shown as `0`).
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
