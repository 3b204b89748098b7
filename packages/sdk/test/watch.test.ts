/**
 * `executions.watch` and `waitFor` against a scripted server over TCP, polling on the test clock:
 * what is emitted (each change, once), when it ends (the terminal snapshot), what a timeout, an
 * interruption and a failing poll do, counted in requests the server received.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Clock, Duration, Effect, Exit, Fiber, Ref, Stream, TestClock } from "effect"
import { Executions, type ExecutionsService, isRefoldError, type RefoldError, WaitTimeout } from "../src/index.js"
import * as Faults from "./support/Faults.js"
import { executionsAt } from "./support/layers.js"
import * as Recorder from "./support/recorder.js"
import * as Samples from "./support/samples.js"
import { sleepingUntil } from "./support/waits.js"

const ID = "65410cf6cdf931a12d7ab009"

/** A snapshot of the execution with `status`, `percent` complete. */
const snapshot = (status: string, percent: number) => Faults.json(200, { ...Samples.detail(ID), status, completion_percentage: percent })

const running = snapshot("RUNNING", 0)


const pause = (ms: number) => Effect.promise(() => new Promise((r) => setTimeout(r, ms)))

// A per-attempt timeout that no poll's sleep can coincide with.
const settings = { timeout: 7_777, deadline: 60_000 }

const use = <A, E>(url: string, f: (executions: ExecutionsService) => Effect.Effect<A, E>) =>
  Effect.flatMap(Executions, f).pipe(Effect.provide(executionsAt(url, settings)))

describe("executions.watch", () => {
  it.scoped("emits the first snapshot at once, then only changes, and ends after the terminal one", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(running, running, snapshot("RUNNING", 50), snapshot("COMPLETED", 100))
      const seen = yield* Ref.make<Array<string>>([])
      const fiber = yield* Effect.fork(
        use(server.url, (e) => Stream.runForEach(e.watch(ID, { interval: "1 second" }), (d) => Ref.update(seen, (s) => [...s, `${d.status} ${d.completion_percentage}`])))
      )
      const start = yield* Clock.currentTimeMillis
      // After each poll: what was emitted so far, before the clock moves to the next one.
      const expected = [["RUNNING 0"], ["RUNNING 0"], ["RUNNING 0", "RUNNING 50"]]
      for (const [k, emitted] of expected.entries()) {
        yield* sleepingUntil(start + (k + 1) * 1_000)
        expect(server.count()).toBe(k + 1)
        expect(yield* Ref.get(seen)).toEqual(emitted)
        yield* TestClock.adjust("1 second")
      }
      yield* Fiber.join(fiber)
      expect(yield* Ref.get(seen)).toEqual(["RUNNING 0", "RUNNING 50", "COMPLETED 100"])
      // Ended: no further poll, however far the clock moves.
      yield* TestClock.adjust("1 hour")
      yield* pause(50)
      expect(server.count()).toBe(4)
      expect(server.requests.every((r) => r.url === `/api/v2/public/execution/${ID}`)).toBe(true)
    }))

  it.scoped("an execution already over: one request, one snapshot", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(snapshot("ERRORED", 50))
      const all = yield* use(server.url, (e) => Stream.runCollect(e.watch(ID)))
      expect(Chunk.map(all, (d) => d.status)).toEqual(Chunk.make("ERRORED"))
      expect(server.count()).toBe(1)
    }))

  for (const status of ["STOPPED", "TIMED_OUT"]) {
    it.scoped(`ends at ${status}; STOPPING and an unknown status go on`, () =>
      Effect.gen(function*() {
        const server = yield* Faults.make()
        server.script(snapshot("STOPPING", 10), snapshot("PAUSED", 10), snapshot(status, 10))
        const fiber = yield* Effect.fork(use(server.url, (e) => Stream.runCollect(e.watch(ID, { interval: "1 second" }))))
        const start = yield* Clock.currentTimeMillis
        for (const k of [1, 2]) {
          yield* sleepingUntil(start + k * 1_000)
          yield* TestClock.adjust("1 second")
        }
        expect(Chunk.toArray(yield* Fiber.join(fiber)).map((d) => d.status)).toEqual(["STOPPING", "PAUSED", status])
        expect(server.count()).toBe(3)
      }))
  }

  it.scoped("interrupted while it waits for the next poll: no request after", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(running)
      const fiber = yield* Effect.fork(use(server.url, (e) => Stream.runDrain(e.watch(ID, { interval: "1 second" }))))
      yield* sleepingUntil((yield* Clock.currentTimeMillis) + 1_000)
      expect(Exit.isInterrupted(yield* Fiber.interrupt(fiber))).toBe(true)
      yield* TestClock.adjust("1 hour")
      yield* pause(50)
      expect(server.count()).toBe(1)
    }))

  it.scoped("interrupted during a poll: the request is abandoned, none follows", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.hang)
      const fiber = yield* Effect.fork(use(server.url, (e) => Stream.runDrain(e.watch(ID, { interval: "1 second" }))))
      yield* Effect.promise(() => server.waitFor(1))
      expect(Exit.isInterrupted(yield* Fiber.interrupt(fiber))).toBe(true)
      expect(yield* Effect.promise(() => server.abandonedAtLeast(1))).toBe(1)
      yield* TestClock.adjust("1 hour")
      yield* pause(50)
      expect(server.count()).toBe(1)
    }))

  it.scoped("leaving the stream (Stream.take) stops the polling", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(running, snapshot("RUNNING", 50))
      server.fallback(snapshot("RUNNING", 75))
      const fiber = yield* Effect.fork(use(server.url, (e) => Stream.runCollect(e.watch(ID, { interval: "1 second" }).pipe(Stream.take(2)))))
      yield* sleepingUntil((yield* Clock.currentTimeMillis) + 1_000)
      yield* TestClock.adjust("1 second")
      expect(Chunk.size(yield* Fiber.join(fiber))).toBe(2)
      yield* TestClock.adjust("1 hour")
      yield* pause(50)
      expect(server.count()).toBe(2)
    }))

  it.scopedLive("a transient failure between polls is retried by the SDK's policy, not seen by the watch", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(running, Faults.json(503, Samples.errorBody(503, "UNAVAILABLE", "Down")), Faults.reset, snapshot("COMPLETED", 100))
      const all = yield* Effect.scoped(use(server.url, (e) => Stream.runCollect(e.watch(ID, { interval: "10 millis" }))))
      expect(Chunk.toArray(all).map((d) => d.status)).toEqual(["RUNNING", "COMPLETED"])
      expect(server.count()).toBe(4)
    }))

  it.scopedLive("a failure that remains fails the stream after what was emitted", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(running, Faults.json(404, Samples.errorBody(404, "RESOURCE_NOT_FOUND", "Execution not found")))
      const seen: Array<string> = []
      const error = yield* Effect.flip(
        Effect.scoped(use(server.url, (e) => Stream.runForEach(e.watch(ID, { interval: "10 millis" }), (d) => Effect.sync(() => seen.push(d.status)))))
      )
      expect(error._tag).toBe("NotFound")
      expect(seen).toEqual(["RUNNING"])
      expect(server.count()).toBe(2)
    }))

  it.scoped("bad options and ids are refused before any request", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(running)
      const refused = (f: (e: ExecutionsService) => Effect.Effect<unknown, RefoldError>) => Effect.flip(use(server.url, f))
      for (const interval of [0, -5, "soon", Infinity]) {
        const error = yield* refused((e) => Stream.runDrain(e.watch(ID, { interval: interval as number })))
        expect(error).toMatchObject({ _tag: "InvalidArgument", parameter: "interval" })
        expect(error.message).toContain(`Invalid option "interval": expected a positive finite duration`)
      }
      const timeout = yield* refused((e) => e.waitFor(ID, { timeout: "never" as unknown as number }))
      expect(timeout).toMatchObject({ _tag: "InvalidArgument", parameter: "timeout" })
      // Effect's DurationInput has no "Infinity" text (Duration.decode throws on it): refused, saying
      // how to ask for no limit.
      const text = yield* refused((e) => e.waitFor(ID, { timeout: "Infinity" as unknown as number }))
      expect(text.message).toBe(
        `Invalid option "timeout": expected a positive duration (milliseconds, or such as "10 seconds"), or the number Infinity (or Duration.infinity) for no limit, got "Infinity"`
      )
      const id = yield* refused((e) => Stream.runDrain(e.watch("..")))
      expect(id).toMatchObject({ _tag: "InvalidArgument", parameter: "executionId" })
      expect(server.count()).toBe(0)
    }))

  it.scoped("records an Executions.watch span around its polls' Executions.get spans", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(running, snapshot("COMPLETED", 100))
      const recorder = Recorder.make()
      const fiber = yield* Effect.fork(use(server.url, (e) => Stream.runDrain(e.watch(ID, { interval: "1 second" }))).pipe(recorder.run))
      yield* sleepingUntil((yield* Clock.currentTimeMillis) + 1_000)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      const watch = recorder.spans.find((s) => s.name === "Executions.watch")!
      expect(watch.attributes.get("refold.execution_id")).toBe(ID)
      const gets = recorder.spans.filter((s) => s.name === "Executions.get")
      expect(gets).toHaveLength(2)
      for (const get of gets) expect(get.parent).toBe(watch.id)
    }))
})

describe("executions.waitFor", () => {
  it.scoped("the final execution, whatever its terminal status", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(running, snapshot("ERRORED", 50))
      const recorder = Recorder.make()
      const fiber = yield* Effect.fork(use(server.url, (e) => e.waitFor(ID, { interval: "1 second" })).pipe(recorder.run))
      yield* sleepingUntil((yield* Clock.currentTimeMillis) + 1_000)
      yield* TestClock.adjust("1 second")
      const final = yield* Fiber.join(fiber)
      expect(final).toMatchObject({ _id: ID, status: "ERRORED", completion_percentage: 50 })
      expect(server.count()).toBe(2)
      expect(recorder.spans.find((s) => s.name === "Executions.waitFor")!.attributes.get("refold.execution_id")).toBe(ID)
    }))

  it.scoped("times out with WaitTimeout naming the id, the timeout and the last status, on the test clock alone", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(snapshot("RUNNING", 40))
      const fiber = yield* Effect.fork(use(server.url, (e) => e.waitFor(ID, { interval: "1 minute", timeout: "10 minutes" })))
      const start = yield* Clock.currentTimeMillis
      yield* sleepingUntil(start + 60_000)
      expect(fiber.unsafePoll()).toBeNull()
      const realStart = Date.now()
      yield* TestClock.adjust("10 minutes")
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(Date.now() - realStart).toBeLessThan(5_000)
      expect(error).toBeInstanceOf(WaitTimeout)
      expect(isRefoldError(error)).toBe(true)
      expect(error).toMatchObject({ _tag: "WaitTimeout", executionId: ID, status: "RUNNING", completionPercentage: 40 })
      if (error._tag !== "WaitTimeout") throw error
      expect(Duration.toMillis(error.timeout)).toBe(600_000)
      expect(error.message).toBe(`Execution ${ID} is still RUNNING (40%) after 10m`)
      // Interrupted with the rest: the clock moving on sends nothing (counted once a request
      // already on the wire when the wait gave up has arrived).
      yield* pause(50)
      const sent = server.count()
      yield* TestClock.adjust("1 hour")
      yield* pause(50)
      expect(server.count()).toBe(sent)
    }))

  it.scoped("a timeout before any answer says so, without a status", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.hang)
      const fiber = yield* Effect.fork(use(server.url, (e) => e.waitFor(ID, { timeout: "5 seconds" })))
      yield* Effect.promise(() => server.waitFor(1))
      yield* TestClock.adjust("5 seconds")
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error).toMatchObject({ _tag: "WaitTimeout", executionId: ID, message: `Execution ${ID}: no poll answered within 5s` })
      expect(error).not.toHaveProperty("status")
      expect(yield* Effect.promise(() => server.abandonedAtLeast(1))).toBe(1)
    }))

  it.scoped("timeout: Infinity waits as long as it takes", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(running)
      server.fallback(snapshot("COMPLETED", 100))
      const fiber = yield* Effect.fork(use(server.url, (e) => e.waitFor(ID, { interval: "30 days", timeout: Infinity })))
      yield* sleepingUntil((yield* Clock.currentTimeMillis) + 30 * 86_400_000)
      yield* TestClock.adjust("30 days")
      expect((yield* Fiber.join(fiber)).status).toBe("COMPLETED")
    }))
})
