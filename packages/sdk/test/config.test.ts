import { describe, expect, it } from "@effect/vitest"
import { Config, ConfigProvider, type Context, Duration, Effect, Either, Inspectable, Layer, Redacted } from "effect"
import { inspect } from "node:util"
import { RefoldAuth, RefoldConfig } from "../src/index.js"

const withEnv = (env: Record<string, string>) => Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

const build = <I, S, E>(layer: Layer.Layer<I, E>, tag: Context.Tag<I, S>, env: Record<string, string>) =>
  Effect.either(Effect.provide(tag, Layer.provide(layer, withEnv(env))))

const SECRET = "tk_live_very_secret_value"
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJsaW5rZWQiOiJ1c2VyIn0.c2lnbmF0dXJl"

/** Every way a value can be turned into text in a log, a span or a message. */
const renderings = (value: unknown) => [
  String(value),
  JSON.stringify(value),
  inspect(value, { depth: 10 }),
  Inspectable.format(value),
  Inspectable.toStringUnknown(value)
]

describe("RefoldAuth", () => {
  it.effect("layerConfig reads an API key with its linked account", () =>
    Effect.gen(function*() {
      const auth = Either.getOrThrow(
        yield* build(RefoldAuth.layerConfig(), RefoldAuth, { REFOLD_API_KEY: SECRET, REFOLD_LINKED_ACCOUNT_ID: "user_12345" })
      )
      expect(auth).toMatchObject({ _tag: "ApiKey", linkedAccountId: "user_12345" })
      if (auth._tag === "ApiKey") expect(Redacted.value(auth.apiKey)).toBe(SECRET)
    }))

  it.effect("layerConfig reads a session token when no API key is set", () =>
    Effect.gen(function*() {
      const auth = Either.getOrThrow(yield* build(RefoldAuth.layerConfig(), RefoldAuth, { REFOLD_SESSION_TOKEN: TOKEN }))
      expect(auth._tag).toBe("SessionToken")
    }))

  it.effect("layerConfig fails with a ConfigError naming the variables when neither is set", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(build(RefoldAuth.layerConfig(), RefoldAuth, {}).pipe(Effect.flatten))
      // Reported by name, not as `Missing data at :`.
      expect(String(error)).toContain("Missing data at REFOLD_API_KEY")
      expect(String(error)).toContain("set REFOLD_API_KEY (an org API key, with REFOLD_LINKED_ACCOUNT_ID for its default linked account), or REFOLD_SESSION_TOKEN")
    }))

  it.effect("layerConfig takes an API key without a linked account (each call names its account)", () =>
    Effect.gen(function*() {
      const auth = Either.getOrThrow(yield* build(RefoldAuth.layerConfig(), RefoldAuth, { REFOLD_API_KEY: SECRET }))
      expect(auth).toMatchObject({ _tag: "ApiKey", linkedAccountId: undefined })
    }))

  it.effect("layerConfig takes Configs of its own; a missing one is reported by its name", () =>
    Effect.gen(function*() {
      const layer = RefoldAuth.layerConfig({ apiKey: Config.redacted("MY_KEY"), linkedAccountId: Config.string("MY_ACCOUNT") })
      const auth = Either.getOrThrow(yield* build(layer, RefoldAuth, { MY_KEY: SECRET, MY_ACCOUNT: "acme" }))
      expect(auth).toMatchObject({ _tag: "ApiKey", linkedAccountId: "acme" })
      const missing = yield* Effect.flip(build(layer, RefoldAuth, { MY_KEY: SECRET, REFOLD_LINKED_ACCOUNT_ID: "x" }).pipe(Effect.flatten))
      expect(String(missing)).toContain("MY_ACCOUNT")
      expect(String(missing)).not.toContain(SECRET)
    }))

  it.effect("layerConfig: a session token given as a Config is used, not an API key from REFOLD_API_KEY", () =>
    Effect.gen(function*() {
      const env = { MY_TOKEN: TOKEN, REFOLD_API_KEY: SECRET, REFOLD_LINKED_ACCOUNT_ID: "user_12345" }
      const byRecord = Either.getOrThrow(yield* build(RefoldAuth.layerConfig({ sessionToken: Config.redacted("MY_TOKEN") }), RefoldAuth, env))
      expect(byRecord._tag).toBe("SessionToken")
      const whole = RefoldAuth.layerConfig(Config.all({ sessionToken: Config.redacted("MY_TOKEN") }))
      expect(Either.getOrThrow(yield* build(whole, RefoldAuth, env))._tag).toBe("SessionToken")
      // Without one given, an API key in the environment still wins over REFOLD_SESSION_TOKEN.
      expect(Either.getOrThrow(yield* build(RefoldAuth.layerConfig(), RefoldAuth, { ...env, REFOLD_SESSION_TOKEN: TOKEN }))._tag).toBe("ApiKey")
    }))

  it.effect("apiKey and sessionToken accept plain strings or Redacted, and reject malformed values without showing them", () =>
    Effect.gen(function*() {
      const plain = yield* Effect.provide(RefoldAuth, RefoldAuth.apiKey({ apiKey: SECRET, linkedAccountId: "user_12345" }))
      const redacted = yield* Effect.provide(RefoldAuth, RefoldAuth.sessionToken(Redacted.make(TOKEN)))
      expect(plain._tag).toBe("ApiKey")
      expect(redacted._tag).toBe("SessionToken")
      const bad = `${SECRET}\r\nx-injected: 1`
      const error = yield* Effect.flip(Effect.provide(RefoldAuth, RefoldAuth.apiKey({ apiKey: bad, linkedAccountId: "user_12345" })))
      expect(String(error)).toContain("apiKey must be a non-empty string")
      expect(String(error)).not.toContain(SECRET)
      const empty = yield* Effect.flip(Effect.provide(RefoldAuth, RefoldAuth.sessionToken("")))
      expect(String(empty)).toContain("sessionToken must be a non-empty string")
      const noAccount = yield* Effect.flip(Effect.provide(RefoldAuth, RefoldAuth.apiKey({ apiKey: SECRET, linkedAccountId: "" })))
      expect(String(noAccount)).toContain("linkedAccountId must be a non-empty string")
    }))

  it.effect("the service never shows its secret when printed, inspected or serialised", () =>
    Effect.gen(function*() {
      const byKey = yield* Effect.provide(RefoldAuth, RefoldAuth.apiKey({ apiKey: SECRET, linkedAccountId: "user_12345" }))
      const byToken = yield* Effect.provide(RefoldAuth, RefoldAuth.sessionToken(TOKEN))
      for (const text of [...renderings(byKey), ...renderings(byToken)]) {
        expect(text).not.toContain(SECRET)
        expect(text).not.toContain(TOKEN)
      }
      expect(inspect(byKey)).toContain("user_12345")
    }))
})

describe("RefoldConfig", () => {
  it.effect("defaults apply when nothing is set", () =>
    Effect.gen(function*() {
      const settings = Either.getOrThrow(yield* build(RefoldConfig.layerConfig(), RefoldConfig, {}))
      expect(settings).toEqual(RefoldConfig.defaults)
      expect(settings.baseUrl).toBe("https://app.refold.ai")
    }))

  it.effect("layerConfig reads every variable; durations as milliseconds or text", () =>
    Effect.gen(function*() {
      const settings = Either.getOrThrow(
        yield* build(RefoldConfig.layerConfig(), RefoldConfig, {
          REFOLD_BASE_URL: "http://127.0.0.1:4010/",
          REFOLD_TIMEOUT: "1500",
          REFOLD_DEADLINE: "2 minutes",
          REFOLD_MAX_RETRIES: "5",
          REFOLD_MAX_RETRY_AFTER: "45 seconds",
          REFOLD_RETRY_DELAY: "100",
          REFOLD_MAX_RETRY_DELAY: "3 seconds"
        })
      )
      expect(settings).toEqual({
        baseUrl: "http://127.0.0.1:4010",
        timeout: Duration.millis(1500),
        deadline: Duration.minutes(2),
        maxRetries: 5,
        maxRetryAfter: Duration.seconds(45),
        retryDelay: Duration.millis(100),
        maxRetryDelay: Duration.seconds(3),
        maxBodySize: RefoldConfig.defaults.maxBodySize,
        retrySchedule: undefined
      })
    }))

  it.effect("layerConfig takes Configs of its own for some settings, the REFOLD_* variables for the rest", () =>
    Effect.gen(function*() {
      const layer = RefoldConfig.layerConfig({ baseUrl: Config.string("MY_URL"), maxBodySize: Config.integer("MY_CAP") })
      const settings = Either.getOrThrow(yield* build(layer, RefoldConfig, { MY_URL: "http://127.0.0.1:9/", MY_CAP: "1024", REFOLD_MAX_RETRIES: "4" }))
      expect(settings).toMatchObject({ baseUrl: "http://127.0.0.1:9", maxBodySize: 1024, maxRetries: 4 })
      const missing = yield* Effect.flip(build(layer, RefoldConfig, { MY_CAP: "1024" }).pipe(Effect.flatten))
      expect(String(missing)).toContain("MY_URL")
      const bad = yield* Effect.flip(build(layer, RefoldConfig, { MY_URL: "ftp://x", MY_CAP: "1024" }).pipe(Effect.flatten))
      expect(String(bad)).toContain("Expected an http(s) URL")
    }))

  it.effect("a bad variable fails with a ConfigError naming it", () =>
    Effect.gen(function*() {
      const url = yield* Effect.flip(build(RefoldConfig.layerConfig(), RefoldConfig, { REFOLD_BASE_URL: "ftp://example.com" }).pipe(Effect.flatten))
      expect(String(url)).toContain("REFOLD_BASE_URL")
      expect(String(url)).toContain("Expected an http(s) URL")
      const timeout = yield* Effect.flip(build(RefoldConfig.layerConfig(), RefoldConfig, { REFOLD_TIMEOUT: "0" }).pipe(Effect.flatten))
      expect(String(timeout)).toContain("REFOLD_TIMEOUT")
      const retries = yield* Effect.flip(build(RefoldConfig.layerConfig(), RefoldConfig, { REFOLD_MAX_RETRIES: "-1" }).pipe(Effect.flatten))
      expect(String(retries)).toContain("REFOLD_MAX_RETRIES")
    }))

  it.effect("layer(options) validates and names the bad option", () =>
    Effect.gen(function*() {
      const settings = yield* Effect.provide(RefoldConfig, RefoldConfig.layer({ baseUrl: new URL("http://localhost:4010"), timeout: "3 seconds" }))
      expect(settings.baseUrl).toBe("http://localhost:4010")
      expect(settings.timeout).toEqual(Duration.seconds(3))
      const error = yield* Effect.flip(Effect.provide(RefoldConfig, RefoldConfig.layer({ maxRetries: 1.5 })))
      expect(String(error)).toContain("maxRetries")
      const withUserInfo = yield* Effect.flip(Effect.provide(RefoldConfig, RefoldConfig.layer({ baseUrl: "https://user:pw@app.refold.ai" })))
      expect(String(withUserInfo)).toContain("baseUrl")
      expect(String(withUserInfo)).not.toContain("pw@")
    }))

  // Infinity is positive: the message must say why it is refused (settings are finite).
  it.effect("an infinite duration is refused as not finite, not as not positive", () =>
    Effect.gen(function*() {
      for (const options of [{ timeout: Infinity }, { deadline: Duration.infinity }]) {
        const error = yield* Effect.flip(Effect.provide(RefoldConfig, RefoldConfig.layer(options)))
        expect(String(error)).toMatch(/Expected a positive finite duration \(milliseconds, or such as "10 seconds"\), got (Infinity|Duration\(Infinity\))/)
      }
    }))
})
