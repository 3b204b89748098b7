/**
 * The options of the testing kit (`RefoldMock.layer`, `useMockServer`): a mock app's options with
 * the data set given as data or as a generator's size and seed, and accounts to add.
 */
import { DataSet, type Fixture } from "@refold-effect/fixtures"
import type { MockOptions } from "../MockApp.js"

/** Options of a test's mock. Every field is optional. */
export interface KitOptions extends Omit<MockOptions, "data"> {
  /**
   * The executions to serve: a data set, or one generated in memory (`DataSet.generate`, the same
   * seed always gives the same data). Default: the bundled fixtures.
   */
  readonly fixtures?: Fixture.DataSet | { readonly generate: DataSet.GenerateOptions } | undefined
  /** Accounts to add to the data set (one with the same `linked_account_id` replaces it), e.g. with session tokens. */
  readonly accounts?: ReadonlyArray<Fixture.Account> | undefined
  /** The base URL `RefoldMock` reports; default `https://app.refold.ai` (any URL reaches the in-process app). */
  readonly baseUrl?: string | undefined
}

/** The SDK's default base URL. */
export const defaultBaseUrl = "https://app.refold.ai"

/** The mock app's options for kit options. */
export const toMockOptions = ({ fixtures, accounts, baseUrl: _, ...rest }: KitOptions): MockOptions => {
  const base = fixtures === undefined ? DataSet.bundled() : "generate" in fixtures ? DataSet.generate(fixtures.generate) : fixtures
  if (accounts === undefined || accounts.length === 0) return { ...rest, data: base }
  const added = new Set(accounts.map((a) => a.linked_account_id))
  return { ...rest, data: { ...base, accounts: [...base.accounts.filter((a) => !added.has(a.linked_account_id)), ...accounts] } }
}
