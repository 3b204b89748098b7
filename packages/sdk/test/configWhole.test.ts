/**
 * `layerConfig` takes a whole `Config` of its options (a `Config.Wrap`, as `OpenAiClient.layerConfig`
 * does), so that `Config.nested` or a prefix applies to everything at once; the fields it leaves out
 * still come from their `REFOLD_*` variables. Against a server of our own over TCP.
 */
import { describe, expect, it } from "@effect/vitest"
import { Config, ConfigProvider, Duration, Effect, Either, Layer, Redacted } from "effect"
import { Executions, RefoldAuth, RefoldConfig, Workflows } from "../src/index.js"
import * as Faults from "./support/Faults.js"
import { clientLayer } from "./support/layers.js"
import * as Samples from "./support/samples.js"

const KEY = "tk_whole_config_secret"

/** A provider of `env`, keys split on `_` as the environment's are. */
const provider = (env: Record<string, string>) => Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)), { pathDelim: "_" }))

/** The options of an app that keeps them under its own prefix. */
const mine = Config.nested(
  Config.all({ apiKey: Config.redacted("KEY"), linkedAccountId: Config.string("ACCOUNT"), baseUrl: Config.string("URL") }),
  "MYAPP"
)

describe("layerConfig with a whole Config", () => {
  it.scopedLive("Executions.layerConfig(Config.nested(Config.all({...}), prefix)) reads every option under the prefix", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.json(200, Samples.page(1, 10, 3)))
      const layer = Executions.layerConfig(mine).pipe(
        Layer.provide(clientLayer("fetch")),
        Layer.provide(provider({ MYAPP_KEY: KEY, MYAPP_ACCOUNT: "acme", MYAPP_URL: server.url }))
      )
      const page = yield* Effect.flatMap(Executions, (e) => e.list()).pipe(Effect.provide(layer))
      expect(page.docs).toHaveLength(3)
      expect(server.requests[0]?.headers).toMatchObject({ "x-api-key": KEY, linked_account_id: "acme" })
    }))

  it.effect("a missing variable of the whole Config is named in the ConfigError", () =>
    Effect.gen(function*() {
      const layer = Executions.layerConfig(mine).pipe(Layer.provide(clientLayer("fetch")), Layer.provide(provider({ MYAPP_KEY: KEY, MYAPP_URL: "http://127.0.0.1:9" })))
      const error = yield* Effect.flip(Effect.flatMap(Executions, (e) => e.list()).pipe(Effect.provide(layer)))
      expect(String(error)).toMatch(/MYAPP.ACCOUNT/)
      expect(String(error)).not.toContain(KEY)
    }))

  it.effect("fields the whole Config leaves out come from their REFOLD_* variables", () =>
    Effect.gen(function*() {
      const env = provider({ U: "http://127.0.0.1:4010", REFOLD_TIMEOUT: "1500", REFOLD_API_KEY: KEY, MY_ACCOUNT: "acme" })
      const settings = yield* Effect.provide(RefoldConfig, RefoldConfig.layerConfig(Config.all({ baseUrl: Config.string("U") })).pipe(Layer.provide(env)))
      expect(settings.baseUrl).toBe("http://127.0.0.1:4010")
      expect(Duration.toMillis(settings.timeout)).toBe(1500)
      const auth = yield* Effect.provide(RefoldAuth, RefoldAuth.layerConfig(Config.all({ linkedAccountId: Config.string("MY_ACCOUNT") })).pipe(Layer.provide(env)))
      expect(auth).toMatchObject({ _tag: "ApiKey", linkedAccountId: "acme" })
      if (auth._tag === "ApiKey") expect(Redacted.value(auth.apiKey)).toBe(KEY)
    }))

  it.effect("a bad value of the whole Config is refused like one given in code", () =>
    Effect.gen(function*() {
      const result = yield* Effect.either(
        Effect.provide(RefoldConfig, RefoldConfig.layerConfig(Config.all({ timeout: Config.number("T") })).pipe(Layer.provide(provider({ T: "-1" }))))
      )
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) expect(String(result.left)).toContain("got -1")
    }))

  it.scopedLive("Workflows.layerConfig takes a whole Config too", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.json(200, { execution_id: "6a1" }))
      const layer = Workflows.layerConfig(mine).pipe(
        Layer.provide(clientLayer("fetch")),
        Layer.provide(provider({ MYAPP_KEY: KEY, MYAPP_ACCOUNT: "acme", MYAPP_URL: server.url }))
      )
      const started = yield* Effect.flatMap(Workflows, (w) => w.execute("wf1", { slug: "hubspot" })).pipe(Effect.provide(layer))
      expect(started.execution_id).toBe("6a1")
      expect(server.requests[0]?.headers).toMatchObject({ "x-api-key": KEY, linked_account_id: "acme" })
    }))
})
