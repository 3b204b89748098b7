/**
 * Credentials that contradict each other are refused, never resolved silently: an API key and a
 * session token given together (which one was meant cannot be guessed), or a linked account named
 * beside a session token, whose account is fixed (acting on the token's account instead would hand
 * one customer's executions to a call made for another).
 */
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Config, ConfigProvider, Effect, Either, Layer } from "effect"
import { Executions, RefoldAuth } from "../src/index.js"
import { createRefoldClient, InvalidArgument } from "../src/promise.js"
import * as Faults from "./support/Faults.js"
import { executionsAt, fast } from "./support/layers.js"
import * as Samples from "./support/samples.js"
import { rejectionOf } from "./support/waits.js"

const KEY = "tk_conflict_secret_key"
const TOKEN = "st_conflict_secret_token"
const env = (values: Record<string, string>) => Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(values))))
const authOf = (layer: Layer.Layer<RefoldAuth, unknown>, values: Record<string, string> = {}) =>
  Effect.either(Effect.provide(RefoldAuth, Layer.provide(layer, env(values))))

describe("RefoldAuth.layerConfig with contradicting credentials", () => {
  it.effect("an API key and a session token, both given, are refused naming both, in either form", () =>
    Effect.gen(function*() {
      const values = { MY_KEY: KEY, MY_TOKEN: TOKEN, MY_ACCOUNT: "acme" }
      const record = RefoldAuth.layerConfig({ apiKey: Config.redacted("MY_KEY"), linkedAccountId: Config.string("MY_ACCOUNT"), sessionToken: Config.redacted("MY_TOKEN") })
      const whole = RefoldAuth.layerConfig(Config.all({ apiKey: Config.redacted("MY_KEY"), sessionToken: Config.redacted("MY_TOKEN") }))
      for (const layer of [record, whole]) {
        const result = yield* authOf(layer, values)
        expect(Either.isLeft(result)).toBe(true)
        const text = String(Either.flip(result).pipe(Either.getOrThrow))
        expect(text).toContain("apiKey")
        expect(text).toContain("sessionToken")
        expect(text).toContain("not both")
        expect(text).not.toContain(KEY)
        expect(text).not.toContain(TOKEN)
      }
      // Executions.layerConfig refuses them the same way.
      const executions = yield* Effect.flip(
        Effect.provide(Executions, Executions.layerConfig({ apiKey: Config.redacted("MY_KEY"), sessionToken: Config.redacted("MY_TOKEN") }).pipe(
          Layer.provide(FetchHttpClient.layer)
        )).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(values)))))
      )
      expect(String(executions)).toContain("not both")
    }))

  it.effect("a linked account given beside a session token is refused; REFOLD_LINKED_ACCOUNT_ID of the environment is not", () =>
    Effect.gen(function*() {
      const given = yield* authOf(
        RefoldAuth.layerConfig({ sessionToken: Config.redacted("MY_TOKEN"), linkedAccountId: Config.string("MY_ACCOUNT") }),
        { MY_TOKEN: TOKEN, MY_ACCOUNT: "acme" }
      )
      expect(String(Either.flip(given).pipe(Either.getOrThrow))).toContain("a session token acts on its own linked account")
      // A shared environment may hold both variables: the token is used, as before.
      const fromEnv = yield* authOf(RefoldAuth.layerConfig({ sessionToken: Config.redacted("MY_TOKEN") }), { MY_TOKEN: TOKEN, REFOLD_LINKED_ACCOUNT_ID: "acme" })
      expect(Either.getOrThrow(fromEnv)._tag).toBe("SessionToken")
      // An API key from the environment still wins over REFOLD_SESSION_TOKEN when nothing is given (documented).
      const both = yield* authOf(RefoldAuth.layerConfig(), { REFOLD_API_KEY: KEY, REFOLD_SESSION_TOKEN: TOKEN })
      expect(Either.getOrThrow(both)._tag).toBe("ApiKey")
    }))
})

describe("another account under a session token", () => {
  it.scopedLive("Effect: forAccount fails each call with InvalidArgument and sends nothing", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.json(200, Samples.page(1, 10, 1)))
      const [list, own] = yield* Effect.gen(function*() {
        const executions = yield* Executions
        return [yield* Effect.flip((yield* Executions.forAccount("acme")).list()), yield* executions.list()] as const
      }).pipe(Effect.provide(executionsAt(server.url, {}, RefoldAuth.sessionToken(TOKEN))))
      expect(list).toMatchObject({ _tag: "InvalidArgument", parameter: "linkedAccountId" })
      expect(list.message).toContain("a session token acts on its own linked account")
      expect(own.totalDocs).toBe(1)
      expect(server.requests.map((r) => [r.headers.authorization, r.headers.linked_account_id])).toEqual([[`Bearer ${TOKEN}`, undefined]])
    }))

  it.scopedLive("Promise: linkedAccountId with a session token is refused, for the client and per call", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.json(200, Samples.page(1, 10, 1)))
      expect(() => createRefoldClient({ sessionToken: TOKEN, linkedAccountId: "acme", baseUrl: server.url })).toThrow(InvalidArgument)
      expect(() => createRefoldClient({ sessionToken: TOKEN, linkedAccountId: "acme", baseUrl: server.url })).toThrow(
        /createRefoldClient: .*a session token acts on its own linked account/
      )
      const refold = yield* Effect.acquireRelease(
        Effect.sync(() => createRefoldClient({ ...fast, sessionToken: TOKEN, baseUrl: server.url })),
        (client) => Effect.promise(() => client.close())
      )
      const call = yield* Effect.promise(() => rejectionOf(refold.executions.list({}, { linkedAccountId: "acme" })))
      expect(call).toBeInstanceOf(InvalidArgument)
      expect(call).toMatchObject({ parameter: "linkedAccountId" })
      expect((call as InvalidArgument).message).toMatch(/^executions\.list: .*a session token acts on its own linked account/)
      const walk = yield* Effect.promise(() =>
        rejectionOf((async () => {
          for await (const _ of refold.executions.iterate({}, { linkedAccountId: "acme" })) void _
        })())
      )
      expect(walk).toBeInstanceOf(InvalidArgument)
      const execute = yield* Effect.promise(() => rejectionOf(refold.workflows.execute("wf1", { slug: "x", linkedAccountId: "acme" })))
      expect(execute).toBeInstanceOf(InvalidArgument)
      expect(server.requests).toHaveLength(0)
      expect((yield* Effect.promise(() => refold.executions.list())).totalDocs).toBe(1)
    }))

  it("Promise: linkedAccountId beside REFOLD_SESSION_TOKEN of the environment is refused too", () => {
    const before = process.env.REFOLD_SESSION_TOKEN
    process.env.REFOLD_SESSION_TOKEN = TOKEN
    try {
      expect(() => createRefoldClient({ linkedAccountId: "acme" })).toThrow(/a session token acts on its own linked account/)
    } finally {
      if (before === undefined) delete process.env.REFOLD_SESSION_TOKEN
      else process.env.REFOLD_SESSION_TOKEN = before
    }
  })
})
