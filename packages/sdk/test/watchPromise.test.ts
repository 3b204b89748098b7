/**
 * `watch` and `waitFor` of the Promise facade against a scripted server over TCP, on real time with
 * short intervals: `for await` over the changes, `AbortSignal` stopping the requests, `WaitTimeout`
 * as a class that is a `RefoldError`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { createRefoldClient, type Execution, RefoldError, WaitTimeout } from "../src/promise.js"
import * as Faults from "./support/Faults.js"
import { API_KEY, fast } from "./support/layers.js"
import * as Samples from "./support/samples.js"
import { rejectionOf } from "./support/waits.js"

const ID = "65410cf6cdf931a12d7ab009"

const snapshot = (status: string, percent: number) => Faults.json(200, { ...Samples.detail(ID), status, completion_percentage: percent })
const running = snapshot("RUNNING", 0)

const client = (baseUrl: string) =>
  Effect.acquireRelease(
    Effect.sync(() => createRefoldClient({ apiKey: API_KEY, linkedAccountId: "user_12345", ...fast, baseUrl })),
    (c) => Effect.promise(() => c.close())
  )

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))


describe("executions.watch (Promise)", () => {
  it.scopedLive("for await sees each change once and ends after the terminal snapshot", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(running, running, snapshot("RUNNING", 50), snapshot("COMPLETED", 100))
      const refold = yield* client(server.url)
      const seen = yield* Effect.promise(async () => {
        const out: Array<string> = []
        for await (const snapshot of refold.executions.watch(ID, { interval: 10 })) out.push(`${snapshot.status} ${snapshot.completion_percentage}`)
        return out
      })
      expect(seen).toEqual(["RUNNING 0", "RUNNING 50", "COMPLETED 100"])
      yield* Effect.promise(() => pause(100))
      expect(server.count()).toBe(4)
    }))

  it.scopedLive("aborting the signal rejects the loop with its reason and stops the requests", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(running)
      const refold = yield* client(server.url)
      const controller = new AbortController()
      const seen: Array<Execution.Detail> = []
      const loop = rejectionOf((async () => {
        for await (const snapshot of refold.executions.watch(ID, { interval: 10, signal: controller.signal })) seen.push(snapshot)
      })())
      yield* Effect.promise(() => server.waitFor(3))
      controller.abort()
      const error = yield* Effect.promise(() => loop)
      expect(error).toBe(controller.signal.reason)
      expect((error as Error).name).toBe("AbortError")
      expect(seen.map((s) => s.status)).toEqual(["RUNNING"])
      yield* Effect.promise(() => pause(50))
      const sent = server.count()
      yield* Effect.promise(() => pause(150))
      expect(server.count()).toBe(sent)
    }))

  it.scopedLive("aborted during a poll that hangs: the request is abandoned", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(running)
      server.fallback(Faults.hang)
      const refold = yield* client(server.url)
      const controller = new AbortController()
      const loop = rejectionOf((async () => {
        for await (const _ of refold.executions.watch(ID, { interval: 10, signal: controller.signal })) {
          // keep following
        }
      })())
      yield* Effect.promise(() => server.waitFor(2))
      controller.abort()
      expect(yield* Effect.promise(() => loop)).toBe(controller.signal.reason)
      expect(yield* Effect.promise(() => server.abandonedAtLeast(1))).toBe(1)
      expect(server.count()).toBe(2)
    }))

  it.scopedLive("break leaves the loop and stops the polling", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(running)
      const refold = yield* client(server.url)
      yield* Effect.promise(async () => {
        for await (const _ of refold.executions.watch(ID, { interval: 10 })) break
      })
      yield* Effect.promise(() => pause(100))
      expect(server.count()).toBe(1)
    }))
})

describe("executions.waitFor (Promise)", () => {
  it.scopedLive("resolves with the final execution", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(running, snapshot("STOPPED", 30))
      const refold = yield* client(server.url)
      const final = yield* Effect.promise(() => refold.executions.waitFor(ID, { interval: 10 }))
      expect(final).toMatchObject({ status: "STOPPED", completion_percentage: 30 })
    }))

  it.scopedLive("rejects with WaitTimeout, a RefoldError, on timeout; nothing is sent after", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(snapshot("RUNNING", 20))
      const refold = yield* client(server.url)
      const error = yield* Effect.promise(() => rejectionOf(refold.executions.waitFor(ID, { interval: 10, timeout: 150 })))
      expect(error).toBeInstanceOf(WaitTimeout)
      expect(error).toBeInstanceOf(RefoldError)
      expect(error).toMatchObject({ _tag: "WaitTimeout", executionId: ID, status: "RUNNING", completionPercentage: 20 })
      // A request already on the wire when the wait gave up may still arrive: count from after it.
      yield* Effect.promise(() => pause(50))
      const sent = server.count()
      expect(sent).toBeGreaterThanOrEqual(2)
      yield* Effect.promise(() => pause(150))
      expect(server.count()).toBe(sent)
    }))

  it.scopedLive("aborting the signal rejects with its reason and stops the polling", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(running)
      const refold = yield* client(server.url)
      const controller = new AbortController()
      const pending = rejectionOf(refold.executions.waitFor(ID, { interval: 10, signal: controller.signal }))
      yield* Effect.promise(() => server.waitFor(2))
      controller.abort()
      expect(yield* Effect.promise(() => pending)).toBe(controller.signal.reason)
      yield* Effect.promise(() => pause(50))
      const sent = server.count()
      yield* Effect.promise(() => pause(100))
      expect(server.count()).toBe(sent)
      // An aborted signal refuses at once.
      const before = server.count()
      expect(yield* Effect.promise(() => rejectionOf(refold.executions.waitFor(ID, { signal: AbortSignal.abort() })))).toBeInstanceOf(DOMException)
      expect(server.count()).toBe(before)
    }))

  it.scopedLive("bad options reject with InvalidArgument naming them", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(running)
      const refold = yield* client(server.url)
      expect(yield* Effect.promise(() => rejectionOf(refold.executions.waitFor(ID, { timeout: -1 })))).toMatchObject({ _tag: "InvalidArgument", parameter: "timeout" })
      const loop = rejectionOf((async () => {
        for await (const _ of refold.executions.watch(ID, { interval: "often" as unknown as number })) {
          // never
        }
      })())
      expect(yield* Effect.promise(() => loop)).toMatchObject({ _tag: "InvalidArgument", parameter: "interval" })
      expect(server.count()).toBe(0)
    }))
})
