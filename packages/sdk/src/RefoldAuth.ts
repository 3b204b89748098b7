/**
 * How the SDK authenticates, as a service: an org API key with a linked account, or a linked
 * account's session token. Secrets are held as `Redacted`, so printing, logging or serialising the
 * service shows `<redacted>`.
 *
 * @since 0.1.0
 */
import { Config, ConfigError, Context, Effect, Either, Layer, Option, type Redacted } from "effect"
import * as Auth from "./internal/auth.js"

/** An org API key (`x-api-key`) with the linked account it acts on (`linked_account_id`). */
export type ApiKey = Auth.ApiKey

/** A linked account's session token (`Authorization: Bearer`). */
export type SessionToken = Auth.SessionToken

/** Either way of authenticating. */
export type Credentials = Auth.Credentials

/** The environment variables {@link RefoldAuth.layerConfig} reads. */
export const variables = {
  apiKey: "REFOLD_API_KEY",
  linkedAccountId: "REFOLD_LINKED_ACCOUNT_ID",
  sessionToken: "REFOLD_SESSION_TOKEN"
} as const

/**
 * Credentials from `Config` (by default the environment): `REFOLD_API_KEY` with
 * `REFOLD_LINKED_ACCOUNT_ID`, or else `REFOLD_SESSION_TOKEN`. Fails with a `ConfigError` naming the
 * variables when neither is set, or when the API key is set without the linked account.
 */
export const config: Config.Config<Credentials> = Config.all({
  apiKey: Config.option(Config.redacted(variables.apiKey)),
  linkedAccountId: Config.option(Config.string(variables.linkedAccountId)),
  sessionToken: Config.option(Config.redacted(variables.sessionToken))
}).pipe(
  Config.mapOrFail(({ apiKey, linkedAccountId, sessionToken }): Either.Either<Credentials, ConfigError.ConfigError> => {
    if (Option.isSome(apiKey)) {
      return Option.isSome(linkedAccountId)
        ? Auth.apiKey({ apiKey: apiKey.value, linkedAccountId: linkedAccountId.value }).pipe(
          Either.mapLeft(() =>
            ConfigError.InvalidData(
              [],
              `${variables.apiKey} and ${variables.linkedAccountId} must be non-empty printable ASCII without line breaks`
            )
          )
        )
        : Either.left(
          ConfigError.MissingData(
            [variables.linkedAccountId],
            `${variables.apiKey} is set, so ${variables.linkedAccountId} must name the linked account to act on`
          )
        )
    }
    if (Option.isSome(sessionToken)) {
      return Auth.sessionToken(sessionToken.value).pipe(
        Either.mapLeft(() =>
          ConfigError.InvalidData([variables.sessionToken], `${variables.sessionToken} must be non-empty printable ASCII without line breaks`)
        )
      )
    }
    return Either.left(
      ConfigError.MissingData(
        [],
        `No Refold credentials: set ${variables.apiKey} and ${variables.linkedAccountId} (an org API key), or ${variables.sessionToken} (a linked account's session token)`
      )
    )
  })
)

/**
 * The credentials every request carries. Provide one of {@link RefoldAuth.apiKey},
 * {@link RefoldAuth.sessionToken} or {@link RefoldAuth.layerConfig}; all three have the same type,
 * failing with a `ConfigError` that names a missing or malformed value (never showing a secret).
 */
export class RefoldAuth extends Context.Tag("@refold-effect/sdk/RefoldAuth")<RefoldAuth, Credentials>() {
  /** Authenticates with an org API key, acting on one linked account. Plain strings are wrapped in `Redacted`. */
  static readonly apiKey = (options: {
    readonly apiKey: string | Redacted.Redacted<string>
    readonly linkedAccountId: string
  }): Layer.Layer<RefoldAuth, ConfigError.ConfigError> => Layer.effect(RefoldAuth, Effect.suspend(() => Auth.apiKey(options)))

  /** Authenticates with a linked account's session token. A plain string is wrapped in `Redacted`. */
  static readonly sessionToken = (token: string | Redacted.Redacted<string>): Layer.Layer<RefoldAuth, ConfigError.ConfigError> =>
    Layer.effect(RefoldAuth, Effect.suspend(() => Auth.sessionToken(token)))

  /** Credentials from the environment (or any `ConfigProvider`); see {@link config}. */
  static readonly layerConfig: Layer.Layer<RefoldAuth, ConfigError.ConfigError> = Layer.effect(RefoldAuth, config)
}
