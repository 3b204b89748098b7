/**
 * Where the SDK sends requests and how patient it is: base URL, per-attempt timeout, total
 * deadline, retries and the longest `Retry-After` it will honour.
 *
 * @since 0.1.0
 */
import { Config, ConfigError, Context, Duration, Either, Layer, Option } from "effect"

/** The resolved settings that {@link RefoldConfig} provides. */
export interface Settings {
  /** Origin (and optional path prefix) of the API, without a trailing slash. */
  readonly baseUrl: string
  /** Longest wait for one attempt: sending, the response and its body. */
  readonly timeout: Duration.Duration
  /** Longest an operation may take, all attempts and backoff included. */
  readonly deadline: Duration.Duration
  /** Retries after the first attempt (0 disables retrying). */
  readonly maxRetries: number
  /** Longest `Retry-After` honoured; a longer one fails at once with `RateLimited`. */
  readonly maxRetryAfter: Duration.Duration
  /** First backoff delay; it doubles per retry, with jitter, up to {@link Settings.maxRetryDelay}. */
  readonly retryDelay: Duration.Duration
  /** Largest backoff delay. */
  readonly maxRetryDelay: Duration.Duration
}

/** Settings as a user gives them: every field optional, durations as any `DurationInput`. */
export interface Options {
  readonly baseUrl?: string | URL | undefined
  readonly timeout?: Duration.DurationInput | undefined
  readonly deadline?: Duration.DurationInput | undefined
  readonly maxRetries?: number | undefined
  readonly maxRetryAfter?: Duration.DurationInput | undefined
  readonly retryDelay?: Duration.DurationInput | undefined
  readonly maxRetryDelay?: Duration.DurationInput | undefined
}

/** The defaults used for every setting not given. */
export const defaults: Settings = {
  baseUrl: "https://app.refold.ai",
  timeout: Duration.seconds(20),
  deadline: Duration.seconds(60),
  maxRetries: 2,
  maxRetryAfter: Duration.seconds(30),
  retryDelay: Duration.millis(500),
  maxRetryDelay: Duration.seconds(8)
}

/** A setting's check: its value from the input, or why the input is wrong. */
type Check<I, A> = (input: I) => Either.Either<A, string>

const positiveDuration: Check<Duration.DurationInput, Duration.Duration> = (input) => {
  const d = Duration.decodeUnknown(input)
  if (d._tag === "Some" && Duration.greaterThan(d.value, Duration.zero) && Duration.isFinite(d.value)) return Either.right(d.value)
  const shown = d._tag === "Some" ? Duration.format(d.value) : JSON.stringify(String(input))
  return Either.left(`Expected a positive duration (milliseconds, or such as "10 seconds"), got ${shown}`)
}

const retryCount: Check<number, number> = (n) =>
  Number.isSafeInteger(n) && n >= 0 ? Either.right(n) : Either.left(`Expected a non-negative integer, got ${String(n)}`)

const baseUrl: Check<string | URL, string> = (input) => {
  let url: URL
  try {
    url = new URL(String(input))
  } catch {
    return Either.left(`Expected an http(s) URL, got ${JSON.stringify(String(input))}`)
  }
  // Never echo credentials embedded in a URL.
  if (url.username !== "" || url.password !== "") return Either.left("Expected a URL without credentials (user:password@); use RefoldAuth instead")
  if (url.protocol !== "http:" && url.protocol !== "https:") return Either.left(`Expected an http(s) URL, got ${JSON.stringify(url.href)}`)
  if (url.search !== "" || url.hash !== "") return Either.left(`Expected a URL without query or fragment, got ${JSON.stringify(url.href)}`)
  return Either.right(url.href.replace(/\/+$/, ""))
}

const checks: { readonly [K in keyof Settings]-?: Check<NonNullable<Options[K]>, Settings[K]> } = {
  baseUrl,
  timeout: positiveDuration,
  deadline: positiveDuration,
  maxRetries: retryCount,
  maxRetryAfter: positiveDuration,
  retryDelay: positiveDuration,
  maxRetryDelay: positiveDuration
}

const setting = <K extends keyof Settings>(options: Options, key: K): Either.Either<Settings[K], ConfigError.ConfigError> => {
  const input = options[key]
  if (input === undefined) return Either.right(defaults[key])
  return Either.mapLeft((checks[key] as Check<unknown, Settings[K]>)(input), (message) => ConfigError.InvalidData([key], message))
}

/** Validates options and fills in the {@link defaults}; the error names the offending setting. */
export const make = (options: Options = {}): Either.Either<Settings, ConfigError.ConfigError> =>
  Either.all({
    baseUrl: setting(options, "baseUrl"),
    timeout: setting(options, "timeout"),
    deadline: setting(options, "deadline"),
    maxRetries: setting(options, "maxRetries"),
    maxRetryAfter: setting(options, "maxRetryAfter"),
    retryDelay: setting(options, "retryDelay"),
    maxRetryDelay: setting(options, "maxRetryDelay")
  })

/** The environment variable of each setting. */
export const variables: { readonly [K in keyof Settings]: string } = {
  baseUrl: "REFOLD_BASE_URL",
  timeout: "REFOLD_TIMEOUT",
  deadline: "REFOLD_DEADLINE",
  maxRetries: "REFOLD_MAX_RETRIES",
  maxRetryAfter: "REFOLD_MAX_RETRY_AFTER",
  retryDelay: "REFOLD_RETRY_DELAY",
  maxRetryDelay: "REFOLD_MAX_RETRY_DELAY"
}

/** Reads an environment variable's text as the input of a setting. */
type Parse<A> = (text: string) => Either.Either<A, string>

const text: Parse<string> = Either.right

const milliseconds: Parse<Duration.DurationInput> = (value) => {
  const trimmed = value.trim()
  const parsed = /^\d+$/.test(trimmed) ? Option.some(Duration.millis(Number(trimmed))) : Duration.decodeUnknown(trimmed)
  return Either.fromOption(parsed, () => `Expected milliseconds or a duration such as "10 seconds", got ${JSON.stringify(value)}`)
}

const integer: Parse<number> = (value) =>
  /^\s*-?\d+\s*$/.test(value) ? Either.right(Number(value)) : Either.left(`Expected an integer, got ${JSON.stringify(value)}`)

const fromEnv = <K extends keyof Settings>(key: K, parse: Parse<NonNullable<Options[K]>>): Config.Config<Settings[K]> =>
  Config.string(variables[key]).pipe(
    Config.mapOrFail((value) =>
      parse(value).pipe(
        Either.flatMap((input) => (checks[key] as Check<unknown, Settings[K]>)(input)),
        Either.mapLeft((message) => ConfigError.InvalidData([], message))
      )
    ),
    Config.withDefault(defaults[key])
  )

/**
 * The settings from `Config` (by default the environment), each optional: see {@link variables}.
 * Durations are milliseconds or text such as `10 seconds`.
 */
export const config: Config.Config<Settings> = Config.all({
  baseUrl: fromEnv("baseUrl", text),
  timeout: fromEnv("timeout", milliseconds),
  deadline: fromEnv("deadline", milliseconds),
  maxRetries: fromEnv("maxRetries", integer),
  maxRetryAfter: fromEnv("maxRetryAfter", milliseconds),
  retryDelay: fromEnv("retryDelay", milliseconds),
  maxRetryDelay: fromEnv("maxRetryDelay", milliseconds)
})

/**
 * The SDK's settings as a service. Provide it with {@link RefoldConfig.layer} (options in code) or
 * {@link RefoldConfig.layerConfig} (environment); `Executions.layer` needs one of them.
 */
export class RefoldConfig extends Context.Tag("@refold-effect/sdk/RefoldConfig")<RefoldConfig, Settings>() {
  /** The defaults used for every setting not given. */
  static readonly defaults = defaults

  /** The settings from options given in code; fails with a `ConfigError` naming a bad setting. */
  static readonly layer = (options: Options = {}): Layer.Layer<RefoldConfig, ConfigError.ConfigError> =>
    Layer.effect(RefoldConfig, make(options))

  /** The settings from the environment (or any `ConfigProvider`); see {@link config}. */
  static readonly layerConfig: Layer.Layer<RefoldConfig, ConfigError.ConfigError> = Layer.effect(RefoldConfig, config)
}
