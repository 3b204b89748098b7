/**
 * Authentication, as the vendor documents it: `Authorization: Bearer <session token>`, or an org API
 * key in `x-api-key` with the account in `linked_account_id`.
 *
 * Choices where the docs are silent (see the README):
 * - A Bearer token wins over an API key sent alongside it, and an unknown token is a 401 even then:
 *   a credential that fails is an error, not something to fall back from. Other `Authorization`
 *   schemes are not Refold credentials and are ignored.
 * - An accepted API key with a `linked_account_id` that the data set does not know selects an
 *   account without executions (an empty page; a 404 for any id), as a query scoped to that account
 *   would on the real API. It does not reveal which accounts exist.
 */
import type { Fixture } from "@refold-effect/fixtures"
import type { SessionTokens } from "../SessionTokens.js"
import * as Node from "./Node.js"
import type * as Pipeline from "./Pipeline.js"
import * as Reply from "./Reply.js"

/** What authentication needs to know. */
export interface Options {
  /** The API keys accepted; `undefined` accepts any non-empty key. */
  readonly apiKeys: ReadonlySet<string> | undefined
  readonly sessions: SessionTokens
}

/** The outcome of reading a request's credentials: the account, or which documented error. */
export type Outcome =
  | { readonly _tag: "Authenticated"; readonly linkedAccountId: string }
  | { readonly _tag: "Rejected"; readonly error: "unauthorized" | "missingLinkedAccount" }

const BEARER = /^bearer[ \t]+([^ \t]+)[ \t]*$/i

const rejected = (error: "unauthorized" | "missingLinkedAccount"): Outcome => ({ _tag: "Rejected", error })

/** Reads the credentials of a request's headers. */
export const authenticate = (headers: Node.HeaderReader, options: Options): Outcome => {
  const authorization = headers.get("authorization")
  const bearer = authorization === null ? null : BEARER.exec(authorization)
  if (bearer !== null) {
    const linkedAccountId = options.sessions.resolve(bearer[1]!)
    return linkedAccountId === undefined ? rejected("unauthorized") : { _tag: "Authenticated", linkedAccountId }
  }
  const key = headers.get("x-api-key")
  if (key === null || key === "" || (options.apiKeys !== undefined && !options.apiKeys.has(key))) return rejected("unauthorized")
  const linkedAccountId = headers.get("linked_account_id")
  if (linkedAccountId === null || linkedAccountId === "") return rejected("missingLinkedAccount")
  return { _tag: "Authenticated", linkedAccountId }
}

/** The step in front of the API's handlers: answers the vendor's 401 or 400, or hands the account on as `linkedAccountId`. */
export const step = (options: Options): Pipeline.Step<Reply.MockEnv> => (c, next) => {
  const outcome = authenticate(Node.headers(c.req.raw, c.env), options)
  if (outcome._tag === "Rejected") return Reply.documented(c, outcome.error)
  c.set("linkedAccountId", outcome.linkedAccountId)
  return next(c)
}

/** The environments credentials act in. */
export type Environment = Fixture.Record["environment"]

/** The environment of an API key, by the vendor's prefixes: `pk…` production, any other key test. */
export const environmentOf = (apiKey: string): Environment => (apiKey.startsWith("pk") ? "production" : "test")

/**
 * The environment an authenticated request acts in, as the vendor's environment-scoped credentials
 * do: a session token's claim (its account's `environment`, test when the account names none), else
 * the API key's (see {@link environmentOf}). Read by the routes that start runs, not by every request.
 */
export const environment = (headers: Node.HeaderReader, linkedAccountId: string, account: (linkedAccountId: string) => Fixture.Account | undefined): Environment => {
  const authorization = headers.get("authorization")
  if (authorization !== null && BEARER.test(authorization)) return account(linkedAccountId)?.environment ?? "test"
  return environmentOf(headers.get("x-api-key") ?? "")
}

/** What an `x-api-key` header can carry: printable ASCII, no space at either end (HTTP trims those). */
const SENDABLE_KEY = /^[!-~](?:[ -~]*[!-~])?$/

/** What is wrong with one key, told without its value (a key is a secret). */
const keyProblem = (key: unknown): string | undefined => {
  if (typeof key !== "string") return `a ${key === null ? "null" : typeof key}, not a string`
  if (key === "") return "empty (an empty x-api-key is no key)"
  if (SENDABLE_KEY.test(key)) return undefined
  return key.trim() !== key ? "padded with spaces (HTTP trims them, so no request carries it)" : "holding a character an x-api-key header cannot carry (printable ASCII only)"
}

/**
 * Why `keys` cannot be the API keys a mock accepts, or `undefined` when they can: a list of keys a
 * client can send in `x-api-key`, each once. Keys are secrets: a key is named by its place in the
 * list, never by its value.
 */
export const invalidKeys = (keys: unknown): string | undefined => {
  if (!Array.isArray(keys)) return `expected a list of keys, got ${keys === null ? "null" : typeof keys}`
  const seen = new Set<string>()
  for (const [i, key] of keys.entries()) {
    const problem = keyProblem(key)
    if (problem !== undefined) return `the key at index ${i} is ${problem}`
    if (seen.has(key)) return `the key at index ${i} repeats an earlier key; give each key once`
    seen.add(key)
  }
  return undefined
}
