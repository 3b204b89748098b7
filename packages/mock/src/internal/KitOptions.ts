/**
 * The options of the testing kit (`RefoldMock.layer`, `useMockServer`): a mock app's options with
 * the data set given as data or as a generator's size and seed, and accounts to add.
 */
import { DataSet, type Fixture } from "@refold-effect/fixtures"
import type { MockOptions } from "../MockApp.js"
import type * as MockClock from "../MockClock.js"
import * as Options from "./Options.js"
import { shown } from "./Shown.js"

/** Options of a test's mock. Every field is optional. */
export interface KitOptions extends Omit<MockOptions, "data"> {
  /**
   * The executions to serve: a data set, or one generated in memory (`DataSet.generate`: the same
   * seed, size, accounts and anchor always give the same data). A generated set without `anchor`
   * is as of the day of the mock's clock when the mock starts, or of the system's clock when the
   * mock's reads a time the generator cannot anchor on (before 1971: `TestClock` starts at 0).
   * Default: the bundled fixtures.
   */
  readonly fixtures?: Fixture.DataSet | { readonly generate: DataSet.GenerateOptions } | undefined
  /** Accounts to add to the data set (one with the same `linked_account_id` replaces it), e.g. with session tokens. */
  readonly accounts?: ReadonlyArray<Fixture.Account> | undefined
  /** The base URL `RefoldMock` reports; default `https://app.refold.ai` (any URL reaches the in-process app). */
  readonly baseUrl?: string | undefined
}

const { data: _data, ...shared } = Options.checks

/**
 * One check per kit option (see `Options`): the mock app's, but `data`, given here as `fixtures`.
 * A generated set's options are `DataSet.generate`'s to check, an added account the data set's.
 */
export const checks: { readonly [K in keyof KitOptions]-?: Options.Check } = {
  ...shared,
  fixtures: (value) =>
    typeof value === "object" && value !== null && "generate" in value
      ? typeof value.generate === "object" && value.generate !== null ? undefined : `Invalid fixtures.generate: expected generator options such as { size: 100, seed: 1 }, got ${shown(value.generate)}`
      : Options.checks.data(value)?.replace("Invalid data:", "Invalid fixtures:"),
  accounts: (value) =>
    Array.isArray(value) && value.every((a) => typeof a === "object" && a !== null && typeof a.linked_account_id === "string" && a.linked_account_id !== "")
      ? undefined
      : `Invalid accounts: expected a list of accounts, each with a linked_account_id, got ${shown(value)}`,
  baseUrl: (value) => (typeof value === "string" && URL.canParse(value) && /^https?:$/.test(new URL(value).protocol) ? undefined : `Invalid baseUrl: expected an http(s) URL such as ${defaultBaseUrl}, got ${shown(value)}`)
}

/** The SDK's default base URL. */
export const defaultBaseUrl = "https://app.refold.ai"

/** Whether a data set can be "as of" `time`: the generator's range of anchors. */
const anchorable = (time: number): boolean => time >= DataSet.anchors.from && time < DataSet.anchors.until

/**
 * The anchor of a generated data set without one: the mock clock's time, so that the data is as of
 * the day the mock runs on, unless the generator cannot take it (Effect's `TestClock` starts at
 * 1970-01-01), then the system's time.
 */
export const anchor = (clockNow: number): number => (anchorable(clockNow) ? clockNow : Date.now())

/**
 * Where the mock clock of `RefoldMock.layer` starts, given the time Effect's `Clock` reads when the
 * layer is built: that time when a data set can be "as of" it (from 1971 on: a live clock, or a
 * `TestClock` set to a date), else the data set's "now": a generated set's `anchor` if given, or
 * the system's time (`TestClock` starts at 1970-01-01).
 */
export const start = (effectNow: number, fixtures: KitOptions["fixtures"]): number => {
  if (anchorable(effectNow)) return effectNow
  const given = fixtures !== undefined && "generate" in fixtures ? fixtures.generate.anchor : undefined
  const time = given instanceof Date ? given.getTime() : typeof given === "string" ? Date.parse(given) : given
  // A bad anchor is the generator's to explain: the clock then starts at the system's time.
  return time !== undefined && Number.isFinite(time) ? time : Date.now()
}

/** The mock app's options for kit options, over the clock the app runs on. */
export const toMockOptions = ({ fixtures, accounts, baseUrl: _, clock: __, ...rest }: KitOptions, clock: MockClock.MockClock): MockOptions => {
  const base = fixtures === undefined
    ? DataSet.bundled()
    : "generate" in fixtures
    ? DataSet.generate({ ...fixtures.generate, anchor: fixtures.generate.anchor ?? anchor(clock.now()) })
    : fixtures
  if (accounts === undefined || accounts.length === 0) return { ...rest, clock, data: base }
  const added = new Set(accounts.map((a) => a.linked_account_id))
  return { ...rest, clock, data: { ...base, accounts: [...base.accounts.filter((a) => !added.has(a.linked_account_id)), ...accounts] } }
}
