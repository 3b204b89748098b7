/**
 * What the Promise client (and the Effect API beside it) says about its options: credentials from
 * the environment option by option, as openai-node reads them; a bad value reported as given and
 * blamed on the call that took it; an account missing named with the remedies of the entry point
 * used; and a closed client's rejections, which are `RefoldError`s like every other.
 */
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Schedule, Stream } from "effect"
import { Executions, RefoldAuth, RefoldConfig } from "../src/index.js"
import {
  ClientClosed,
  createRefoldClient,
  InvalidArgument,
  isRefoldError,
  type RefoldClient,
  RefoldError
} from "../src/promise.js"
import * as Faults from "./support/Faults.js"
import { API_KEY, clientLayer, executionsAt, fast } from "./support/layers.js"
import * as Samples from "./support/samples.js"
import { rejectionOf } from "./support/waits.js"

const ACCOUNT = "user_12345"
const KNOWN = "65410cf6cdf931a12d7ab009"

/** Runs `f` with the environment variable `name` set to `value` (or unset), then restores it. */
const withEnv = <A>(name: string, value: string | undefined, f: () => A): A => {
  const before = process.env[name]
  if (value === undefined) delete process.env[name]
  else process.env[name] = value
  try {
    return f()
  } finally {
    if (before === undefined) delete process.env[name]
    else process.env[name] = before
  }
}

const closing = (make: () => RefoldClient) => Effect.acquireRelease(Effect.sync(make), (c) => Effect.promise(() => c.close()))

const thrown = (f: () => unknown): unknown => {
  try {
    f()
  } catch (error) {
    return error
  }
  throw new Error("expected a throw")
}

describe("Promise client credentials", () => {
  it.scopedLive("an apiKey without a linkedAccountId takes REFOLD_LINKED_ACCOUNT_ID from the environment", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.json(200, Samples.page(1, 10, 3)))
      const refold = yield* closing(() => withEnv("REFOLD_LINKED_ACCOUNT_ID", ACCOUNT, () => createRefoldClient({ apiKey: API_KEY, ...fast, baseUrl: server.url })))
      yield* Effect.promise(() => refold.executions.list())
      expect(server.requests[0]?.headers.linked_account_id).toBe(ACCOUNT)
    }))

  it.scopedLive("a linkedAccountId given wins over REFOLD_LINKED_ACCOUNT_ID", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.json(200, Samples.page(1, 10, 3)))
      const refold = yield* closing(() =>
        withEnv("REFOLD_LINKED_ACCOUNT_ID", "someone_else", () => createRefoldClient({ apiKey: API_KEY, linkedAccountId: ACCOUNT, ...fast, baseUrl: server.url }))
      )
      yield* Effect.promise(() => refold.executions.list())
      expect(server.requests[0]?.headers.linked_account_id).toBe(ACCOUNT)
    }))

  it("a malformed REFOLD_LINKED_ACCOUNT_ID is named as the variable", () => {
    const error = withEnv("REFOLD_LINKED_ACCOUNT_ID", "bad\naccount", () => thrown(() => createRefoldClient({ apiKey: API_KEY })))
    expect(error).toBeInstanceOf(InvalidArgument)
    expect(String(error)).toContain("REFOLD_LINKED_ACCOUNT_ID")
  })

  it("both an apiKey and a sessionToken are refused, naming both", () => {
    const error = thrown(() => createRefoldClient({ apiKey: API_KEY, linkedAccountId: ACCOUNT, sessionToken: "st_token" }))
    expect(error).toBeInstanceOf(InvalidArgument)
    expect(error).toMatchObject({ _tag: "InvalidArgument", parameter: "credentials" })
    expect((error as InvalidArgument).message).toMatch(/apiKey.*sessionToken|sessionToken.*apiKey/)
    expect(String(error)).not.toContain(API_KEY)
    expect(String(error)).not.toContain("st_token")
  })

  it.scopedLive("no account at all: the rejection names the Promise client's remedies, before anything is sent", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.json(200, Samples.page(1, 10, 3)))
      const refold = yield* closing(() => withEnv("REFOLD_LINKED_ACCOUNT_ID", undefined, () => createRefoldClient({ apiKey: API_KEY, ...fast, baseUrl: server.url })))
      const error = yield* Effect.promise(() => rejectionOf(refold.executions.list()))
      expect(error).toBeInstanceOf(InvalidArgument)
      const message = (error as InvalidArgument).message
      expect(message).toMatch(/^executions\.list: /)
      expect(message).toContain("createRefoldClient")
      expect(message).toContain("REFOLD_LINKED_ACCOUNT_ID")
      expect(message).toContain("{ linkedAccountId }")
      expect(message).not.toContain("forAccount")
      expect(message).not.toContain("RefoldAuth")
      const walk = yield* Effect.promise(() => rejectionOf((async () => {
        for await (const _ of refold.executions.iterate()) break
      })()))
      expect((walk as InvalidArgument).message).toMatch(/^executions\.iterate: /)
      const run = yield* Effect.promise(() => rejectionOf(refold.workflows.execute("wf", { slug: "hubspot" })))
      expect((run as InvalidArgument).message).toMatch(/^workflows\.execute: .*\{ linkedAccountId \}/)
      expect(server.count()).toBe(0)
      // Named per call, it works.
      yield* Effect.promise(() => refold.executions.list({}, { linkedAccountId: ACCOUNT }))
      expect(server.count()).toBe(1)
    }))
})

describe("Effect: no account to act on", () => {
  it.scopedLive("through layerConfig, the message names REFOLD_LINKED_ACCOUNT_ID and forAccount", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.json(200, Samples.page(1, 10, 3)))
      const env = ConfigProvider.fromMap(new Map([["REFOLD_API_KEY", API_KEY], ["REFOLD_BASE_URL", server.url]]))
      const layer = Executions.layerConfig().pipe(Layer.provide(clientLayer("fetch")), Layer.provide(Layer.setConfigProvider(env)))
      const error = yield* Effect.flip(Effect.flatMap(Executions, (e) => e.list()).pipe(Effect.provide(layer)))
      expect(error).toMatchObject({ _tag: "InvalidArgument", parameter: "linkedAccountId" })
      expect(error.message).toContain("REFOLD_LINKED_ACCOUNT_ID")
      expect(error.message).toContain("RefoldAuth.apiKey")
      expect(error.message).toContain("forAccount(id)")
      expect(server.count()).toBe(0)
    }))
})

describe("bad option values", () => {
  // From JavaScript: named at once, never a TypeError from inside the client, nor a fetch that
  // fails each request as a TransportError, retries included.
  it.scopedLive("options that are not an object, a fetch that is no function, execute without options", () =>
    Effect.gen(function*() {
      expect(thrown(() => createRefoldClient(null as unknown as undefined))).toMatchObject({
        _tag: "InvalidArgument",
        parameter: "options",
        message: "createRefoldClient: options must be an object, got null"
      })
      expect(thrown(() => createRefoldClient({ apiKey: API_KEY, linkedAccountId: ACCOUNT, fetch: "x" as unknown as typeof fetch }))).toMatchObject({
        _tag: "InvalidArgument",
        parameter: "fetch",
        message: "createRefoldClient: fetch must be a function, got a string"
      })
      const server = yield* Faults.make(Faults.json(200, { message: "Workflow execution started", execution_id: "e1" }))
      const refold = yield* closing(() => createRefoldClient({ apiKey: API_KEY, linkedAccountId: ACCOUNT, ...fast, baseUrl: server.url }))
      const execute = refold.workflows.execute as unknown as (id: string) => Promise<unknown>
      const error = yield* Effect.promise(() => rejectionOf(execute("wf1")))
      expect(error).toMatchObject({ _tag: "InvalidArgument", parameter: "slug" })
      expect(server.count()).toBe(0)
    }))

  it("no credentials at all: the message says which variables to set, in one plain sentence", () => {
    const error = withEnv("REFOLD_API_KEY", undefined, () => withEnv("REFOLD_SESSION_TOKEN", undefined, () => thrown(() => createRefoldClient())))
    expect(error).toMatchObject({ _tag: "InvalidArgument", parameter: "credentials" })
    expect((error as InvalidArgument).message).toMatch(/^createRefoldClient: No Refold credentials: set REFOLD_API_KEY .*REFOLD_SESSION_TOKEN/)
    expect((error as InvalidArgument).message).not.toMatch(/Missing data at|\("/)
  })

  it("a bad REFOLD_* variable is named as a variable, with the option it sets", () => {
    const error = withEnv("REFOLD_TIMEOUT", "abc", () => thrown(() => createRefoldClient({ apiKey: API_KEY, linkedAccountId: ACCOUNT })))
    expect(error).toMatchObject({ _tag: "InvalidArgument", parameter: "timeout" })
    expect((error as InvalidArgument).message).toMatch(/^createRefoldClient: Invalid environment variable "REFOLD_TIMEOUT": .*got "abc"/)
  })

  it("a baseUrl that is not http(s) is shown as given, not as the URL parser rewrote it", () => {
    const error = thrown(() => createRefoldClient({ apiKey: API_KEY, linkedAccountId: ACCOUNT, baseUrl: "ftp://example.test" }))
    expect(error).toMatchObject({ _tag: "InvalidArgument", parameter: "baseUrl" })
    expect((error as InvalidArgument).message).toContain(`got "ftp://example.test"`)
  })

  it("createRefoldClient: a negative duration is shown as given, not as 0", () => {
    const error = thrown(() => createRefoldClient({ apiKey: API_KEY, linkedAccountId: ACCOUNT, timeout: -1 }))
    expect(error).toMatchObject({ _tag: "InvalidArgument", parameter: "timeout" })
    expect((error as InvalidArgument).message).toMatch(/^createRefoldClient: /)
    expect((error as InvalidArgument).message).toContain("got -1")
  })

  // The README: a call's `timeout` is per attempt, within the client's deadline.
  it.scopedLive("a per-call timeout beyond the client's deadline ends at the deadline", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.hang)
      const refold = yield* closing(() => createRefoldClient({ apiKey: API_KEY, linkedAccountId: ACCOUNT, baseUrl: server.url, deadline: 300, timeout: 100 }))
      const error = yield* Effect.promise(() => rejectionOf(refold.executions.get(KNOWN, { timeout: 10_000, maxRetries: 0 })))
      expect(error).toMatchObject({ _tag: "Timeout", kind: "deadline" })
    }))

  // The README: a call's `maxRetries` replaces the client's retries, a `retrySchedule` included.
  it.scopedLive("a per-call maxRetries replaces the client's retrySchedule for that call", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.text(503, "down"))
      const refold = yield* closing(() =>
        createRefoldClient({ apiKey: API_KEY, linkedAccountId: ACCOUNT, ...fast, baseUrl: server.url, retrySchedule: Schedule.recurs(3) })
      )
      expect(yield* Effect.promise(() => rejectionOf(refold.executions.get(KNOWN, { maxRetries: 0 })))).toMatchObject({ _tag: "ServerError" })
      expect(server.count()).toBe(1)
      expect(yield* Effect.promise(() => rejectionOf(refold.executions.get(KNOWN, { maxRetries: 1 })))).toMatchObject({ _tag: "ServerError" })
      expect(server.count()).toBe(3)
      // Without one, the client's schedule decides: 1 + 3 attempts.
      expect(yield* Effect.promise(() => rejectionOf(refold.executions.get(KNOWN)))).toMatchObject({ _tag: "ServerError" })
      expect(server.count()).toBe(7)
    }))

  it.scopedLive("a bad per-call option names the call and the value as given", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.json(200, Samples.page(1, 10, 3)))
      const refold = yield* closing(() => createRefoldClient({ apiKey: API_KEY, linkedAccountId: ACCOUNT, ...fast, baseUrl: server.url }))
      const list = yield* Effect.promise(() => rejectionOf(refold.executions.list({}, { timeout: -1 })))
      expect(list).toMatchObject({ _tag: "InvalidArgument", parameter: "timeout" })
      expect((list as InvalidArgument).message).toMatch(/^executions\.list: /)
      expect((list as InvalidArgument).message).toContain("got -1")
      const get = yield* Effect.promise(() => rejectionOf(refold.executions.get(KNOWN, { maxRetries: -2 })))
      expect(get).toMatchObject({ _tag: "InvalidArgument", parameter: "maxRetries" })
      expect((get as InvalidArgument).message).toMatch(/^executions\.get: .*got -2/)
      const account = yield* Effect.promise(() => rejectionOf(refold.executions.stop(KNOWN, { linkedAccountId: "a\nb" })))
      expect(account).toMatchObject({ _tag: "InvalidArgument", parameter: "linkedAccountId" })
      expect((account as InvalidArgument).message).toMatch(/^executions\.stop: /)
      const walk = yield* Effect.promise(() => rejectionOf((async () => {
        for await (const _ of refold.executions.iterate({}, { timeout: "-5 seconds" })) break
      })()))
      expect((walk as InvalidArgument).message).toMatch(/^executions\.iterate: .*got "-5 seconds"/)
      const execute = yield* Effect.promise(() => rejectionOf(refold.workflows.execute("wf", { slug: "hubspot", timeout: -3 })))
      expect((execute as InvalidArgument).message).toMatch(/^workflows\.execute: .*got -3/)
      // A signal that is no AbortSignal (from JavaScript): named, not a TypeError from inside the client.
      const notSignal = { signal: "soon" as unknown as AbortSignal }
      const signal = yield* Effect.promise(() => rejectionOf(refold.executions.get(KNOWN, notSignal)))
      expect(signal).toMatchObject({ _tag: "InvalidArgument", parameter: "signal", message: "executions.get: signal must be an AbortSignal, got a string" })
      const signalWalk = yield* Effect.promise(() => rejectionOf((async () => {
        for await (const _ of refold.executions.iterate({}, notSignal)) break
      })()))
      expect(signalWalk).toMatchObject({ _tag: "InvalidArgument", parameter: "signal" })
      expect(yield* Effect.promise(() => rejectionOf(refold.workflows.execute("wf", { slug: "hubspot", ...notSignal })))).toMatchObject({ parameter: "signal" })
      // An AbortSignal of a polyfill, without `throwIfAborted`, works as the platform's does.
      const controller = new AbortController()
      const bare = { aborted: false, reason: undefined, addEventListener: controller.signal.addEventListener.bind(controller.signal), removeEventListener: controller.signal.removeEventListener.bind(controller.signal) }
      server.script(Faults.json(200, Samples.page(1, 10, 3)))
      expect((yield* Effect.promise(() => refold.executions.list({}, { signal: bare as unknown as AbortSignal }))).totalDocs).toBe(3)
      expect(server.count()).toBe(1)
    }))

  it.effect("Effect: watch, waitFor and RefoldConfig.layer show a negative duration as given", () =>
    Effect.gen(function*() {
      const layer = executionsAt("http://127.0.0.1:9")
      const watch = yield* Effect.flip(Effect.flatMap(Executions, (e) => Stream.runDrain(e.watch(KNOWN, { interval: -1 }))).pipe(Effect.provide(layer)))
      expect(watch).toMatchObject({ _tag: "InvalidArgument", parameter: "interval" })
      expect(watch.message).toContain("got -1")
      const wait = yield* Effect.flip(Effect.flatMap(Executions, (e) => e.waitFor(KNOWN, { timeout: -5 })).pipe(Effect.provide(layer)))
      expect(wait).toMatchObject({ _tag: "InvalidArgument", parameter: "timeout" })
      expect(wait.message).toContain("got -5")
      const config = yield* Effect.flip(Effect.provide(RefoldConfig, RefoldConfig.layer({ timeout: -1 })))
      expect(String(config)).toContain("got -1")
      const auth = yield* Effect.either(Effect.provide(RefoldAuth, RefoldAuth.apiKey({ apiKey: API_KEY })))
      expect(auth._tag).toBe("Right")
    }))
})

describe("a closed client", () => {
  it.scopedLive("rejects calls in flight and later calls with ClientClosed, a RefoldError", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.hang)
      const refold = createRefoldClient({ apiKey: API_KEY, linkedAccountId: ACCOUNT, ...fast, timeout: 30_000, baseUrl: server.url })
      const pending = rejectionOf(refold.executions.get(KNOWN))
      yield* Effect.promise(() => server.waitFor(1))
      yield* Effect.promise(() => refold.close())
      const inFlight = yield* Effect.promise(() => pending)
      expect(inFlight).toBeInstanceOf(ClientClosed)
      expect(inFlight).toBeInstanceOf(RefoldError)
      expect(isRefoldError(inFlight)).toBe(true)
      expect(inFlight).toMatchObject({ _tag: "ClientClosed", inFlight: true })
      for (const later of [
        refold.executions.list(),
        refold.workflows.execute("wf", { slug: "hubspot" }),
        (async () => {
          for await (const _ of refold.executions.iterate()) break
        })()
      ]) {
        const error = yield* Effect.promise(() => rejectionOf(later))
        expect(error).toBeInstanceOf(ClientClosed)
        expect(error).toBeInstanceOf(RefoldError)
        expect(error).toMatchObject({ _tag: "ClientClosed", inFlight: false })
      }
    }))
})
