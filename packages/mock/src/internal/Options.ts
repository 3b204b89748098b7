/**
 * The checks of a mock app's options (`createMockApp`, and through it `RefoldMock.layer` and the
 * command line): one per option, each with the bounds of the module that defines them, so that a
 * value that could never work is refused before anything starts, with a message naming the option
 * and the value. The table has one entry per field of `MockOptions` (a missing one is a compile
 * error), and its keys are the options known: a name that is none (`apiKey`, `lifecycle_seed`) is
 * refused too, where it would silently leave the mock open to any key or on seed 1.
 *
 * @internal
 */
import { Either, Option } from "effect"
import * as Admin from "../Admin.js"
import * as Faults from "../Faults.js"
import * as Lifecycle from "../Lifecycle.js"
import type { MockOptions } from "../MockApp.js"
import * as MockClock from "../MockClock.js"
import * as WebhookDeliveries from "../WebhookDeliveries.js"
import * as Auth from "./Auth.js"
import * as Cors from "./Cors.js"
import { shown } from "./Shown.js"
import * as Journal from "../Journal.js"

/** Why a value given for an option cannot work (the whole message, naming the option), or `undefined`. */
export type Check = (value: unknown) => string | undefined

/** An error thrown for an option that could never work; its message names the option and the value. */
export class InvalidOption extends RangeError {
  override readonly name = "InvalidOption"
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

/** `Invalid <name>: <why>` when `why` is given. */
const named = (name: string, why: string | undefined) => (why === undefined ? undefined : `Invalid ${name}: ${why}`)

/** One check per option of `createMockApp`. */
export const checks: { readonly [K in keyof MockOptions]-?: Check } = {
  data: (value) =>
    isObject(value) && Array.isArray(value.accounts) && Array.isArray(value.executions)
      ? undefined
      : `Invalid data: expected a data set { accounts: [...], executions: [...] } (DataSet.bundled(), DataSet.generate(...), DataSet.load(dir)), got ${shown(value)}`,
  apiKeys: (value) => named("apiKeys", Auth.invalidKeys(value)),
  onError: (value) => (typeof value === "function" ? undefined : `Invalid onError: expected a function (error, request) => void, got ${shown(value)}`),
  faults: (value) => Either.getLeft(Faults.decode(value)).pipe(Option.getOrUndefined),
  adminToken: (value) => named("adminToken", typeof value === "string" ? Admin.invalidToken(value) : `expected a string, got ${shown(value)}`),
  journal: (value) => named("journal", Journal.invalidCapacity(value)),
  webhooks: (value) => WebhookDeliveries.invalidOptions(value),
  // A clock of one's own is taken as it is; options are checked as `MockClock.make` checks them.
  clock: (value) => (isObject(value) && typeof value.now === "function" ? undefined : MockClock.invalidOptions(value)),
  lifecycleSeed: (value) => named("lifecycleSeed", Lifecycle.invalidSeed(value)),
  cors: (value) => Cors.invalidPolicy(value)
}

/**
 * Why `options` could never work, or `undefined`: the first option (in `table`'s order) whose
 * value its check refuses, or the first name that is no option. An option given as `undefined` is
 * one not given.
 */
export const invalid = (options: unknown, table: { readonly [name: string]: Check }): string | undefined => {
  if (options === undefined) return undefined
  if (!isObject(options)) return `Invalid options: expected an object of options, got ${shown(options)}`
  const unknown = Object.keys(options).find((name) => !Object.hasOwn(table, name))
  if (unknown !== undefined) return `Unknown option ${JSON.stringify(unknown)}: expected one of ${Object.keys(table).join(", ")}`
  for (const [name, check] of Object.entries(table)) {
    const value = options[name]
    const why = value === undefined ? undefined : check(value)
    if (why !== undefined) return why
  }
  return undefined
}

/** Throws an {@link InvalidOption} when `options` could never work (see {@link invalid}). */
export const check = (options: unknown, table: { readonly [name: string]: Check } = checks): void => {
  const why = invalid(options, table)
  if (why !== undefined) throw new InvalidOption(why)
}
