/**
 * How the SDK authenticates, as a service: an org API key with a linked account, or a linked
 * account's session token. Secrets are held as `Redacted`, so printing, logging or serialising the
 * service shows `<redacted>`.
 *
 * @since 0.1.0
 */
import { Config, ConfigError, Context, Effect, Either, Layer, Option, type Redacted } from "effect"
import * as Auth from "./internal/auth.js"
import * as Configs from "./internal/configs.js"

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

/** The credentials as values, all optional: what a whole `Config` of them reads (see {@link LayerConfigOptions}). */
export interface Options {
  readonly apiKey?: Redacted.Redacted<string> | string | undefined
  readonly linkedAccountId?: string | undefined
  readonly sessionToken?: Redacted.Redacted<string> | string | undefined
}

/** The credentials as `Config`s, one per option (of {@link RefoldAuth.apiKey} / {@link RefoldAuth.sessionToken}). */
export interface ConfigOptions {
  readonly apiKey?: Config.Config<Redacted.Redacted<string> | string> | undefined
  readonly linkedAccountId?: Config.Config<string> | undefined
  readonly sessionToken?: Config.Config<Redacted.Redacted<string> | string> | undefined
}

/**
 * What {@link RefoldAuth.layerConfig} takes, as a `Config.Wrap` of {@link Options}: one `Config`
 * per option, or one `Config` of them all (`Config.nested(Config.all({ … }), "MYAPP")`). Either
 * way, an option left out comes from its `REFOLD_*` variable.
 */
export type LayerConfigOptions = ConfigOptions | Config.Config<Options>

/** An optional value whose absence is no error: a `Config` the user gave must be there, a default need not. */
const optional = <A>(given: Config.Config<A> | undefined, fallback: Config.Config<A>): Config.Config<Option.Option<A>> =>
  given === undefined ? Config.option(fallback) : Config.map(given, Option.some)

/**
 * Credentials from `Config` (by default the environment). Each value given as a `Config` is read
 * from it (and a missing one is reported by its name); the others default to `REFOLD_API_KEY`,
 * `REFOLD_LINKED_ACCOUNT_ID` and `REFOLD_SESSION_TOKEN`. An API key and a session token both given
 * are refused, and so is a `linkedAccountId` given beside a session token (whose account is fixed);
 * from the environment alone, `REFOLD_API_KEY` wins over `REFOLD_SESSION_TOKEN` (but never over a
 * session token given as a `Config`); an
 * API key without a linked account acts on the account each call names (`forAccount`). Fails with
 * a `ConfigError` naming the variables when there are no credentials at all.
 */
export const config = (options: ConfigOptions = {}): Config.Config<Credentials> => {
  // A session token given (and no key) is the one meant: `REFOLD_API_KEY` must not outrank it.
  const apiKey = options.apiKey === undefined && options.sessionToken !== undefined
    ? Config.succeed(Option.none<Redacted.Redacted<string> | string>())
    : optional(options.apiKey, Config.redacted(variables.apiKey))
  const sessionToken = optional(options.sessionToken, Config.redacted(variables.sessionToken))
  const linkedAccountId = optional(options.linkedAccountId, Config.string(variables.linkedAccountId))
  return Config.all({ apiKey, linkedAccountId, sessionToken }).pipe(
    Config.mapOrFail(({ apiKey, linkedAccountId, sessionToken }): Either.Either<Credentials, ConfigError.ConfigError> => {
      // Given together, they contradict each other: refused, as the Promise client refuses them.
      if (options.apiKey !== undefined && options.sessionToken !== undefined) {
        return Either.left(ConfigError.InvalidData(["sessionToken"], Auth.bothCredentials))
      }
      if (Option.isSome(apiKey)) {
        return Auth.apiKey({ apiKey: apiKey.value, linkedAccountId: Option.getOrUndefined(linkedAccountId) }).pipe(
          Either.mapLeft((error) =>
            ConfigError.InvalidData(
              error._op === "InvalidData" && error.path[0] === "linkedAccountId" ? [variables.linkedAccountId] : [variables.apiKey],
              `${variables.apiKey} and ${variables.linkedAccountId} must be non-empty printable ASCII without line breaks`
            )
          )
        )
      }
      if (Option.isSome(sessionToken)) {
        // An account named beside a token is refused; REFOLD_LINKED_ACCOUNT_ID of a shared environment is not.
        if (options.linkedAccountId !== undefined && Option.isSome(linkedAccountId)) {
          return Either.left(ConfigError.InvalidData(["linkedAccountId"], Auth.tokenAccount(linkedAccountId.value)))
        }
        return Auth.sessionToken(sessionToken.value).pipe(
          Either.mapLeft(() =>
            ConfigError.InvalidData([variables.sessionToken], `${variables.sessionToken} must be non-empty printable ASCII without line breaks`)
          )
        )
      }
      return Either.left(
        ConfigError.MissingData(
          [variables.apiKey],
          `No Refold credentials: set ${variables.apiKey} (an org API key, with ${variables.linkedAccountId} for its default linked account), or ${variables.sessionToken} (a linked account's session token)`
        )
      )
    })
  )
}

/**
 * Checks credentials given in code: an org API key (with its default linked account, if any) or a
 * session token. Fails with a `ConfigError` naming the malformed value, never showing a secret.
 */
export const make = (
  options: { readonly apiKey: string | Redacted.Redacted<string>; readonly linkedAccountId?: string | undefined } | {
    readonly sessionToken: string | Redacted.Redacted<string>
  }
): Either.Either<Credentials, ConfigError.ConfigError> =>
  "sessionToken" in options ? Auth.sessionToken(options.sessionToken) : Auth.apiKey(options)

/**
 * The credentials every request carries. Provide one of {@link RefoldAuth.apiKey},
 * {@link RefoldAuth.sessionToken} or {@link RefoldAuth.layerConfig}; all three have the same type,
 * failing with a `ConfigError` that names a missing or malformed value (never showing a secret).
 */
export class RefoldAuth extends Context.Tag("@refold-effect/sdk/RefoldAuth")<RefoldAuth, Credentials>() {
  /**
   * Authenticates with an org API key, acting on `linkedAccountId` (or, without one, on the
   * account each call names with `forAccount`). Plain strings are wrapped in `Redacted`.
   */
  static readonly apiKey = (options: {
    readonly apiKey: string | Redacted.Redacted<string>
    readonly linkedAccountId?: string | undefined
  }): Layer.Layer<RefoldAuth, ConfigError.ConfigError> => Layer.effect(RefoldAuth, Effect.suspend(() => Auth.apiKey(options)))

  /** Authenticates with a linked account's session token. A plain string is wrapped in `Redacted`. */
  static readonly sessionToken = (token: string | Redacted.Redacted<string>): Layer.Layer<RefoldAuth, ConfigError.ConfigError> =>
    Layer.effect(RefoldAuth, Effect.suspend(() => Auth.sessionToken(token)))

  /**
   * Credentials from `Config`: the values given as `Config`s (one per option, or one `Config` of
   * them all), the rest from the `REFOLD_*` variables; see {@link config}.
   *
   * ```ts
   * RefoldAuth.layerConfig({ apiKey: Config.redacted("MY_KEY"), linkedAccountId: Config.string("MY_ACCOUNT") })
   * RefoldAuth.layerConfig(Config.nested(Config.all({ apiKey: Config.redacted("KEY"), linkedAccountId: Config.string("ACCOUNT") }), "MYAPP"))
   * ```
   */
  static readonly layerConfig = (options: LayerConfigOptions = {}): Layer.Layer<RefoldAuth, ConfigError.ConfigError> =>
    Layer.effect(RefoldAuth, Configs.unwrap<Options, Credentials>(options, config))
}
