/**
 * Where the SDK sends requests and how patient it is: base URL, per-attempt timeout, total
 * deadline, retries and the longest `Retry-After` it will honour.
 *
 * @since 0.1.0
 */
import { Config, ConfigError, Context, Duration, Either, Layer, Option, Schedule } from "effect"
import * as Configs from "./internal/configs.js"
import { show } from "./internal/show.js"
import type { RefoldError } from "./RefoldError.js"

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
  /**
   * Largest response body read, in bytes (after decompression): a larger one fails with
   * `ResponseTooLarge`, checked against `content-length` before reading and while reading.
   */
  readonly maxBodySize: number
  /**
   * A `Schedule` that replaces the backoff (`retryDelay`, `maxRetryDelay`, `maxRetries` and
   * `Retry-After` no longer apply); which failures are retried, the per-attempt timeout and the
   * deadline stay the SDK's. Absent: the built-in policy.
   */
  readonly retrySchedule: Schedule.Schedule<unknown, RefoldError> | undefined
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
  readonly maxBodySize?: number | undefined
  readonly retrySchedule?: Schedule.Schedule<unknown, RefoldError> | undefined
}

/** The defaults used for every setting not given. */
export const defaults: Settings = {
  baseUrl: "https://app.refold.ai",
  timeout: Duration.seconds(20),
  deadline: Duration.seconds(60),
  maxRetries: 2,
  maxRetryAfter: Duration.seconds(30),
  retryDelay: Duration.millis(500),
  maxRetryDelay: Duration.seconds(8),
  // A page of 1,000 executions is about 1 MB: 32 times that is room for any real answer.
  maxBodySize: 32 * 1024 * 1024,
  retrySchedule: undefined
}

/** A setting's check: its value from the input, or why the input is wrong. */
type Check<I, A> = (input: I) => Either.Either<A, string>

const positiveDuration: Check<Duration.DurationInput, Duration.Duration> = (input) => {
  const d = Duration.decodeUnknown(input)
  if (d._tag === "Some" && Duration.greaterThan(d.value, Duration.zero) && Duration.isFinite(d.value)) return Either.right(d.value)
  // The input as given: decoding clamps a negative number to zero.
  return Either.left(`Expected a positive finite duration (milliseconds, or such as "10 seconds"), got ${show(input)}`)
}

const retryCount: Check<number, number> = (n) =>
  Number.isSafeInteger(n) && n >= 0 ? Either.right(n) : Either.left(`Expected a non-negative integer, got ${String(n)}`)

const byteCount: Check<number, number> = (n) =>
  Number.isSafeInteger(n) && n >= 1 ? Either.right(n) : Either.left(`Expected a positive whole number of bytes, got ${String(n)}`)

const schedule: Check<Schedule.Schedule<unknown, RefoldError>, Schedule.Schedule<unknown, RefoldError> | undefined> = (input) =>
  Schedule.isSchedule(input) ? Either.right(input) : Either.left("Expected a Schedule")

const baseUrl: Check<string | URL, string> = (input) => {
  let url: URL
  try {
    url = new URL(String(input))
  } catch {
    return Either.left(`Expected an http(s) URL, got ${JSON.stringify(String(input))}`)
  }
  // Never echo credentials embedded in a URL.
  if (url.username !== "" || url.password !== "") return Either.left("Expected a URL without credentials (user:password@); use RefoldAuth instead")
  if (url.protocol !== "http:" && url.protocol !== "https:") return Either.left(`Expected an http(s) URL, got ${JSON.stringify(String(input))}`)
  if (url.search !== "" || url.hash !== "") return Either.left(`Expected a URL without query or fragment, got ${JSON.stringify(String(input))}`)
  return Either.right(url.href.replace(/\/+$/, ""))
}

const checks: { readonly [K in keyof Settings]-?: Check<NonNullable<Options[K]>, Settings[K]> } = {
  baseUrl,
  timeout: positiveDuration,
  deadline: positiveDuration,
  maxRetries: retryCount,
  maxRetryAfter: positiveDuration,
  retryDelay: positiveDuration,
  maxRetryDelay: positiveDuration,
  maxBodySize: byteCount,
  retrySchedule: schedule
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
    maxRetryDelay: setting(options, "maxRetryDelay"),
    maxBodySize: setting(options, "maxBodySize"),
    retrySchedule: setting(options, "retrySchedule")
  })

/** The settings that can come from text (all but the `Schedule`). */
type Textual = Exclude<keyof Settings, "retrySchedule">

/** The environment variable of each setting. */
export const variables: { readonly [K in Textual]: string } = {
  baseUrl: "REFOLD_BASE_URL",
  timeout: "REFOLD_TIMEOUT",
  deadline: "REFOLD_DEADLINE",
  maxRetries: "REFOLD_MAX_RETRIES",
  maxRetryAfter: "REFOLD_MAX_RETRY_AFTER",
  retryDelay: "REFOLD_RETRY_DELAY",
  maxRetryDelay: "REFOLD_MAX_RETRY_DELAY",
  maxBodySize: "REFOLD_MAX_BODY_SIZE"
}

/** Reads an environment variable's text as the input of a setting. */
type Parse<A> = (text: string) => Either.Either<A, string>

const text: Parse<string> = Either.right

const milliseconds: Parse<Duration.DurationInput> = (value) => {
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Either.right(Number(trimmed))
  // The text itself, not its decoded `Duration`: the check then shows `-5 seconds` as written,
  // where decoding would have clamped it to zero.
  return Option.isSome(Duration.decodeUnknown(trimmed))
    ? Either.right(trimmed as Duration.DurationInput)
    : Either.left(`Expected milliseconds or a duration such as "10 seconds", got ${JSON.stringify(value)}`)
}

const integer: Parse<number> = (value) =>
  /^\s*-?\d+\s*$/.test(value) ? Either.right(Number(value)) : Either.left(`Expected an integer, got ${JSON.stringify(value)}`)

const fromEnv = <K extends Textual>(key: K, parse: Parse<NonNullable<Options[K]>>): Config.Config<Settings[K]> =>
  Config.string(variables[key]).pipe(
    Config.mapOrFail((value) =>
      parse(value).pipe(
        Either.flatMap((input) => (checks[key] as Check<unknown, Settings[K]>)(input)),
        Either.mapLeft((message) => ConfigError.InvalidData([], message))
      )
    ),
    Config.withDefault(defaults[key])
  )

/** Each setting as a `Config` of its option, every one optional. */
export type ConfigOptions = Configs.Each<Options>

/**
 * What {@link RefoldConfig.layerConfig} takes, as a `Config.Wrap` of {@link Options}: one `Config`
 * per option, or one `Config` of them all (`Config.nested(Config.all({ … }), "MYAPP")`). Either
 * way, an option left out comes from its `REFOLD_*` variable, or its default.
 */
export type LayerConfigOptions = Configs.Wrapped<Options>

const given = <K extends keyof Settings>(key: K, input: Config.Config<NonNullable<Options[K]>>): Config.Config<Settings[K]> =>
  Config.mapOrFail(input, (value) => Either.mapLeft((checks[key] as Check<unknown, Settings[K]>)(value), (message) => ConfigError.InvalidData([], message)))

/**
 * The settings from `Config` (by default the environment): each option given as a `Config` is read
 * from it, every other one from its `REFOLD_*` variable (see {@link variables}), or its default.
 * Durations in text are milliseconds or such as `10 seconds`.
 */
export const config = (options: ConfigOptions = {}): Config.Config<Settings> => {
  const pick = <K extends Textual>(key: K, parse: Parse<NonNullable<Options[K]>>): Config.Config<Settings[K]> => {
    const input = options[key] as Config.Config<NonNullable<Options[K]>> | undefined
    return input === undefined ? fromEnv(key, parse) : given(key, input)
  }
  return Config.all({
    baseUrl: pick("baseUrl", text),
    timeout: pick("timeout", milliseconds),
    deadline: pick("deadline", milliseconds),
    maxRetries: pick("maxRetries", integer),
    maxRetryAfter: pick("maxRetryAfter", milliseconds),
    retryDelay: pick("retryDelay", milliseconds),
    maxRetryDelay: pick("maxRetryDelay", milliseconds),
    maxBodySize: pick("maxBodySize", integer),
    retrySchedule: options.retrySchedule === undefined ? Config.succeed(undefined) : given("retrySchedule", options.retrySchedule)
  })
}

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

  /**
   * The settings from `Config`: the options given as `Config`s (one per option, or one `Config`
   * of them all), the rest from the `REFOLD_*` variables of the environment (or any
   * `ConfigProvider`); see {@link config}.
   *
   * ```ts
   * RefoldConfig.layerConfig({ baseUrl: Config.string("MY_API_URL") })
   * RefoldConfig.layerConfig(Config.all({ baseUrl: Config.string("MY_API_URL"), timeout: Config.duration("MY_TIMEOUT") }))
   * ```
   */
  static readonly layerConfig = (options: LayerConfigOptions = {}): Layer.Layer<RefoldConfig, ConfigError.ConfigError> =>
    Layer.effect(RefoldConfig, Configs.unwrap<Options, Settings>(options, config))
}
