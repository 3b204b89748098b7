/**
 * How credentials become request headers, in one place: the only code that reveals a secret.
 *
 * @internal
 */
import { ConfigError, Either, Redacted } from "effect"

/**
 * An org API key with the linked account it acts on by default; without one, every call names its
 * account (`forAccount`).
 */
export interface ApiKey {
  readonly _tag: "ApiKey"
  readonly apiKey: Redacted.Redacted<string>
  readonly linkedAccountId: string | undefined
}

/** A linked account's session token. */
export interface SessionToken {
  readonly _tag: "SessionToken"
  readonly sessionToken: Redacted.Redacted<string>
}

/** Either way of authenticating. */
export type Credentials = ApiKey | SessionToken

/** Visible ASCII with inner spaces: what a header value can carry without being rejected or split. */
const HEADER_SAFE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/

const reveal = (value: string | Redacted.Redacted<string>): string =>
  Redacted.isRedacted(value) ? Redacted.value(value) : value

const secret = (name: string, value: string | Redacted.Redacted<string>): Either.Either<Redacted.Redacted<string>, ConfigError.ConfigError> => {
  const text = reveal(value)
  // The value is a secret: the message says what is wrong with it, never what it is.
  return typeof text === "string" && HEADER_SAFE.test(text)
    ? Either.right(Redacted.make(text))
    : Either.left(ConfigError.InvalidData([name], `${name} must be a non-empty string of printable ASCII without line breaks or surrounding spaces`))
}

/** Why `value` cannot be sent as the header `name`, or `undefined` when it can. */
export const checkHeader = (name: string, value: unknown): string | undefined =>
  typeof value === "string" && HEADER_SAFE.test(value)
    ? undefined
    : `${name} must be a non-empty string of printable ASCII without line breaks, got ${JSON.stringify(value)}`

/** Why `id` cannot be a linked account id (sent as a header), or `undefined` when it can. */
export const checkAccount = (id: unknown): string | undefined =>
  typeof id === "string" && HEADER_SAFE.test(id)
    ? undefined
    : `linkedAccountId must be a non-empty string of printable ASCII without line breaks, got ${JSON.stringify(id)}`

/**
 * Why a linked account cannot be named beside a session token: the token's account is fixed, and
 * acting on it instead of the one named would hand one customer's data to a call made for another.
 */
export const tokenAccount = (id: string): string =>
  `linkedAccountId ${JSON.stringify(id)} cannot be used with a session token: a session token acts on its own linked account only; ` +
  "an org API key (apiKey) acts on others"

/** Why an API key and a session token cannot be given together. */
export const bothCredentials = "Give apiKey (with linkedAccountId) or sessionToken, not both: which one was meant cannot be guessed"

/** Checks and wraps an org API key and its (optional) linked account. */
export const apiKey = (options: {
  readonly apiKey: string | Redacted.Redacted<string>
  readonly linkedAccountId?: string | undefined
}): Either.Either<ApiKey, ConfigError.ConfigError> => {
  const account = options.linkedAccountId === undefined ? undefined : checkAccount(options.linkedAccountId)
  return Either.all([
    secret("apiKey", options.apiKey),
    account === undefined ? Either.right(options.linkedAccountId) : Either.left(ConfigError.InvalidData(["linkedAccountId"], account))
  ]).pipe(Either.map(([apiKey, linkedAccountId]): ApiKey => ({ _tag: "ApiKey", apiKey, linkedAccountId })))
}

/** Checks and wraps a session token. */
export const sessionToken = (token: string | Redacted.Redacted<string>): Either.Either<SessionToken, ConfigError.ConfigError> =>
  secret("sessionToken", token).pipe(Either.map((sessionToken): SessionToken => ({ _tag: "SessionToken", sessionToken })))

/**
 * The headers that authenticate a request, on behalf of `account` (an API key's default account
 * when absent). `undefined` when an API key has no account to act on.
 */
export const headers = (credentials: Credentials, account?: string): Record<string, string> | undefined => {
  if (credentials._tag === "SessionToken") return { authorization: `Bearer ${Redacted.value(credentials.sessionToken)}` }
  const linked = account ?? credentials.linkedAccountId
  return linked === undefined ? undefined : { "x-api-key": Redacted.value(credentials.apiKey), linked_account_id: linked }
}

/** What stands in an error for a secret a server sent back. */
export const REDACTED = "<redacted>"

/** Rewrites text that came from a server so that it holds no secret of the credentials. */
export type Redact = (text: string) => string

/**
 * The {@link Redact} of `credentials`: every occurrence of the secret (as sent, and as JSON or a URL
 * would escape it) becomes `<redacted>`. For the text of an answer a server may have filled with
 * what it was sent (a gateway's `Invalid API key tk_…`), before an error is built from it; run
 * only on the way to an error, never on a successful answer.
 */
export const redactor = (credentials: Credentials): Redact => {
  const secret = Redacted.value(credentials._tag === "SessionToken" ? credentials.sessionToken : credentials.apiKey)
  // The longest spelling first, so that a shorter one never cuts through a longer one.
  const spellings = [...new Set([JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), secret])].sort((a, b) => b.length - a.length)
  // Also run on each answer's `x-request-id` (a span attribute): an indexed loop and `includes`
  // allocate nothing when there is nothing to redact.
  return (text) => {
    let out = text
    for (let i = 0; i < spellings.length; i++) if (out.includes(spellings[i]!)) out = out.replaceAll(spellings[i]!, REDACTED)
    return out
  }
}
