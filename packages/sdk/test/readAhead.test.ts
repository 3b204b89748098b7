/**
 * Read-ahead of `pages` and `stream` against the mock: requests overlap (never more than
 * `readAhead`), pages come out in order, executions arriving while answers come back out of order
 * are neither repeated nor skipped, and stopping, interrupting or failing leaves no request behind.
 */
import { describe, expect, it } from "@effect/vitest"
import type { Execution } from "@refold-effect/contract"
import { Chunk, Deferred, Effect, Exit, Fiber, Stream } from "effect"
import { defaultReadAhead, Executions } from "../src/index.js"
import { createRefoldClient } from "../src/promise.js"
import { API_KEY, fast } from "./support/layers.js"
import { type Running, start, type StartOptions, transports } from "./support/mock.js"

const ACCOUNT = "user_12345"

const ids = (docs: ReadonlyArray<{ readonly _id: string }>) => docs.map((d) => d._id)

/** Pages `from` to `to`. */
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

const pageOf = (url: URL) => Number(url.searchParams.get("page") ?? "1")

const requestedPages = (mock: Running) => mock.requests.map((r) => pageOf(new URL(r, "http://x")))

/** The URL with a scenario of the mock added, such as `__delay=20`. */
const withScenario = (url: URL, name: string, value: string) => {
  const scenario = new URL(url)
  scenario.searchParams.set(name, value)
  return scenario
}

const waitUntil = (condition: () => boolean) =>
  Effect.promise(async () => {
    for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10))
    if (!condition()) throw new Error("condition not reached in 5 s")
  })

const settle = Effect.promise(() => new Promise((r) => setTimeout(r, 100)))

/** The SDK's service over a mock started with `options`, with timeouts that never trip while a request is held. */
const sdk = (options: StartOptions = {}, transport: "in-process" | "tcp" = "in-process") =>
  Effect.gen(function*() {
    const mock = yield* start(transport, options)
    const executions = yield* Effect.provide(Executions, mock.executions(undefined, { timeout: 30_000, deadline: 60_000 }))
    return { mock, executions }
  })

/** New executions at the head of the account, newer than all others. */
const arrive = (mock: Running, n: number) => {
  const newest = mock.mock.store.executions(ACCOUNT)[0]!
  for (let k = 1; k <= n; k++) {
    const arrived = mock.mock.store.executions(ACCOUNT).length
    mock.mock.store.insert({
      ...newest,
      _id: `fa${arrived.toString(16).padStart(22, "0")}`,
      createdAt: new Date(Date.parse(newest.createdAt) + k * 1_000).toISOString()
    })
  }
}

describe("read-ahead", () => {
  it.scopedLive("a 30-page walk with 20 ms per page keeps readAhead requests in flight; readAhead: 0 one at a time", () =>
    Effect.gen(function*() {
      const delayed = { before: (url: URL) => withScenario(url, "__delay", "20") }
      for (const readAhead of [undefined, 0] as const) {
        const { executions, mock } = yield* sdk(delayed)
        const all = mock.mock.store.executions(ACCOUNT).slice(0, 150)
        const streamed = yield* Stream.runCollect(executions.stream({ limit: 5, maxPages: 30, readAhead }))
        expect(ids(Chunk.toReadonlyArray(streamed))).toEqual(ids(all))
        expect(requestedPages(mock)).toEqual(range(1, 30))
        if (readAhead === 0) expect(mock.maxInFlight()).toBe(1)
        else expect(mock.maxInFlight()).toSatisfy((n: number) => n > 1 && n <= defaultReadAhead)
      }
    }))

  it.scopedLive("pages reads ahead too, and readAhead: n bounds the requests in flight", () =>
    Effect.gen(function*() {
      const { executions, mock } = yield* sdk({ before: (url) => withScenario(url, "__delay", "100") })
      const pages = yield* Stream.runCollect(executions.pages({ limit: 5, readAhead: 7, maxPages: 8 }))
      expect(Chunk.toReadonlyArray(pages).map((p) => p.page)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
      expect(requestedPages(mock)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
      // Page 1 alone (it tells how many pages there are), then pages 2 to 8 at once.
      expect(mock.maxInFlight()).toBe(7)
    }))

  for (const transport of transports) {
    it.scopedLive(`an execution pushed off a page answered after the page read ahead of it is not skipped (${transport})`, () =>
      Effect.gen(function*() {
        const page3Answered = yield* Deferred.make<void>()
        const started: { mock?: Running } = {}
        const asked = new Map<number, number>()
        const { executions, mock } = yield* sdk({
          before: async (url) => {
            const page = pageOf(url)
            asked.set(page, (asked.get(page) ?? 0) + 1)
            if (page === 2 && asked.get(page) === 1) {
              // Page 3 (read ahead) has been answered; two executions arrive; then page 2 is answered.
              await Effect.runPromise(Deferred.await(page3Answered))
              arrive(started.mock!, 2)
            }
          },
          after: (url) => {
            if (pageOf(url) === 3) Effect.runSync(Deferred.succeed(page3Answered, undefined))
          }
        }, transport)
        started.mock = mock
        const before = mock.mock.store.executions(ACCOUNT)
        const streamed = yield* Stream.runCollect(executions.stream({ limit: 5 }))
        expect(mock.mock.store.executions(ACCOUNT)).toHaveLength(before.length + 2)
        expect(ids(Chunk.toReadonlyArray(streamed))).toEqual(ids(before))
        // Page 3 was asked again once page 2 was answered (so were the pages read ahead after it,
        // unless their first request was aborted before it reached the server).
        expect(requestedPages(mock).filter((page) => page === 3)).toHaveLength(2)
      }))
  }

  it.scopedLive("arrivals while answers come back out of order (the mock's seeded latency and arrivals): every execution once, newest first", () =>
    Effect.gen(function*() {
      for (const seed of [1, 2, 3, 4, 5, 6]) {
        const { executions, mock } = yield* sdk({
          faults: { seed, latency: { type: "uniform", lower: 0, upper: 12 }, arrivals: { account: ACCOUNT, everyRequests: 2 } }
        })
        const before = mock.mock.store.executions(ACCOUNT)
        const streamed: ReadonlyArray<Execution.Summary> = Chunk.toReadonlyArray(yield* Stream.runCollect(executions.stream({ limit: 5 })))
        const original = new Set(ids(before))
        expect(mock.mock.store.executions(ACCOUNT).length).toBeGreaterThan(before.length + 10)
        expect(new Set(ids(streamed)).size, `seed ${seed}`).toBe(streamed.length)
        expect(ids(streamed.filter((e) => original.has(e._id))), `seed ${seed}`).toEqual(ids(before))
        for (let i = 1; i < streamed.length; i++) expect(streamed[i]!.createdAt <= streamed[i - 1]!.createdAt).toBe(true)
        expect(mock.maxInFlight()).toBeLessThanOrEqual(defaultReadAhead)
      }
    }))

  it.scopedLive("Stream.take stops fetching: the pages read ahead are interrupted, at most readAhead - 1 extra requests", () =>
    Effect.gen(function*() {
      const { executions, mock } = yield* sdk({ hold: (url) => pageOf(url) >= 3 })
      const first7 = yield* Stream.runCollect(executions.stream({ limit: 5 }).pipe(Stream.take(7)))
      expect(Chunk.size(first7)).toBe(7)
      // Pages 1 and 2 were needed; pulling page 2 sent the pages after it.
      expect(requestedPages(mock)).toEqual(range(1, 1 + defaultReadAhead))
      yield* waitUntil(() => mock.aborted() === defaultReadAhead - 1)
      yield* settle
      expect(mock.inFlight()).toBe(0)
      expect(mock.requests).toHaveLength(1 + defaultReadAhead)
    }))

  it.scopedLive("interrupting the stream aborts every request in flight and fetches nothing more", () =>
    Effect.gen(function*() {
      const { executions, mock } = yield* sdk({ hold: (url) => pageOf(url) >= 3 })
      const fiber = yield* Effect.fork(Stream.runDrain(executions.stream({ limit: 5 })))
      // Page 2 answered and emitted; the consumer waits for page 3, readAhead pages from it in flight.
      yield* waitUntil(() => mock.requests.length === 2 + defaultReadAhead)
      expect(mock.inFlight()).toBe(defaultReadAhead)
      const exit = yield* Fiber.interrupt(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
      yield* waitUntil(() => mock.aborted() === defaultReadAhead)
      yield* settle
      expect(mock.inFlight()).toBe(0)
      expect(requestedPages(mock)).toEqual(range(1, 2 + defaultReadAhead))
    }))

  it.scopedLive("a failure on a page read ahead surfaces after the pages before it, not before", () =>
    Effect.gen(function*() {
      const page3Failed = yield* Deferred.make<void>()
      const { executions, mock } = yield* sdk({
        before: async (url) => {
          if (pageOf(url) === 3) return withScenario(url, "__code", "400")
          if (pageOf(url) === 2) await Effect.runPromise(Deferred.await(page3Failed))
        },
        after: (url) => {
          if (pageOf(url) === 3) Effect.runSync(Deferred.succeed(page3Failed, undefined))
        }
      })
      const emitted: Array<string> = []
      const error = yield* executions.stream({ limit: 5 }).pipe(
        Stream.runForEach((e) => Effect.sync(() => emitted.push(e._id))),
        Effect.flip
      )
      expect(error).toMatchObject({ _tag: "BadRequest", status: 400 })
      expect(emitted).toEqual(ids(mock.mock.store.executions(ACCOUNT).slice(0, 10)))
      yield* waitUntil(() => mock.inFlight() === 0)
    }))

  it.scopedLive("the Promise facade's iterate reads ahead, and break aborts every request in flight", () =>
    Effect.gen(function*() {
      const mock = yield* start("tcp", { hold: (url) => pageOf(url) >= 3 })
      const refold = yield* Effect.acquireRelease(
        Effect.sync(() => createRefoldClient({ apiKey: API_KEY, linkedAccountId: ACCOUNT,  ...fast, timeout: 30_000, baseUrl: mock.url })),
        (client) => Effect.promise(() => client.close())
      )
      const seen = yield* Effect.promise(async () => {
        const out: Array<string> = []
        for await (const execution of refold.executions.iterate({ limit: 5 })) {
          out.push(execution._id)
          if (out.length === 7) {
            // The pages after page 2 are on their way, read ahead while page 2 is consumed.
            for (let i = 0; i < 500 && mock.requests.length < 1 + defaultReadAhead; i++) await new Promise((r) => setTimeout(r, 10))
            break
          }
        }
        return out
      })
      expect(seen).toEqual(ids(mock.mock.store.executions(ACCOUNT).slice(0, 7)))
      expect(requestedPages(mock).sort((a, b) => a - b)).toEqual(range(1, 1 + defaultReadAhead))
      yield* waitUntil(() => mock.aborted() === defaultReadAhead - 1)
      yield* settle
      expect(mock.inFlight()).toBe(0)
      expect(mock.requests).toHaveLength(1 + defaultReadAhead)
    }))

  it.scopedLive("an invalid readAhead fails with InvalidArgument before any request", () =>
    Effect.gen(function*() {
      const { executions, mock } = yield* sdk()
      for (const readAhead of [-1, 1.5, Number.NaN]) {
        const error = yield* Effect.flip(Stream.runDrain(executions.stream({ readAhead })))
        expect(error).toMatchObject({
          _tag: "InvalidArgument",
          parameter: "readAhead",
          message: `Invalid option "readAhead": expected a boolean or a non-negative integer, got ${readAhead}`
        })
      }
      expect(mock.requests).toEqual([])
    }))
})
