/**
 * How credentials become request headers, in one place: the only code that reveals a secret.
 *
 * @internal
 */
import { ConfigError, Either, Redacted } from "effect"

/** An org API key with the linked account it acts on. */
export interface ApiKey {
  readonly _tag: "ApiKey"
  readonly apiKey: Redacted.Redacted<string>
  readonly linkedAccountId: string
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

/** Checks and wraps an org API key and its linked account. */
export const apiKey = (options: {
  readonly apiKey: string | Redacted.Redacted<string>
  readonly linkedAccountId: string
}): Either.Either<ApiKey, ConfigError.ConfigError> =>
  Either.all([
    secret("apiKey", options.apiKey),
    typeof options.linkedAccountId === "string" && HEADER_SAFE.test(options.linkedAccountId)
      ? Either.right(options.linkedAccountId)
      : Either.left(
        ConfigError.InvalidData(
          ["linkedAccountId"],
          `linkedAccountId must be a non-empty string of printable ASCII, got ${JSON.stringify(options.linkedAccountId)}`
        )
      )
  ]).pipe(Either.map(([apiKey, linkedAccountId]): ApiKey => ({ _tag: "ApiKey", apiKey, linkedAccountId })))

/** Checks and wraps a session token. */
export const sessionToken = (token: string | Redacted.Redacted<string>): Either.Either<SessionToken, ConfigError.ConfigError> =>
  secret("sessionToken", token).pipe(Either.map((sessionToken): SessionToken => ({ _tag: "SessionToken", sessionToken })))

/** The headers that authenticate a request. */
export const headers = (credentials: Credentials): Record<string, string> =>
  credentials._tag === "ApiKey"
    ? { "x-api-key": Redacted.value(credentials.apiKey), linked_account_id: credentials.linkedAccountId }
    : { authorization: `Bearer ${Redacted.value(credentials.sessionToken)}` }
