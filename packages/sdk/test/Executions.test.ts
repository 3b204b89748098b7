/**
 * Every operation of `Executions` against the mock, in-process and over real TCP, with the bundled
 * data set (`user_12345` has well over 20 pages at `limit: 5`).
 */
import { describe, expect, it } from "@effect/vitest"
import type { Page } from "@refold-effect/contract"
import { FetchHttpClient } from "@effect/platform"
import { createMockApp, MockHttpClient } from "@refold-effect/mock"
import { Chunk, ConfigProvider, Effect, Exit, Fiber, Layer, Stream } from "effect"
import { Executions, RefoldAuth, RefoldConfig, Workflows } from "../src/index.js"
import { start, transports } from "./support/mock.js"

const ACCOUNT = "user_12345"
const KNOWN = "65410cf6cdf931a12d7ab009"
const ALSO_KNOWN = "6a314c54d4616e99e7fa5a02"

const ids = (docs: ReadonlyArray<{ readonly _id: string }>) => docs.map((d) => d._id)

const waitUntil = (condition: () => boolean) =>
  Effect.promise(async () => {
    for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10))
    if (!condition()) throw new Error("condition not reached in 5 s")
  })

for (const transport of transports) {
  describe(`Executions against the mock (${transport})`, () => {
    it.scopedLive("list returns a page of the account's executions, newest first, with the envelope", () =>
      Effect.gen(function*() {
        const mock = yield* start(transport)
        const expected = mock.mock.store.executions(ACCOUNT)
        const page = yield* Effect.flatMap(Executions, (e) => e.list({ limit: 5 })).pipe(Effect.provide(mock.executions()))
        expect(page).toMatchObject({ totalDocs: expected.length, limit: 5, page: 1, hasNextPage: true, nextPage: 2 })
        expect(ids(page.docs)).toEqual(ids(expected.slice(0, 5)))
        expect(mock.requests).toEqual(["/api/v2/public/execution?limit=5"])
      }))

    it.scopedLive("list sends the filters; Date bounds as days", () =>
      Effect.gen(function*() {
        const mock = yield* start(transport)
        const page = yield* Effect.flatMap(Executions, (e) =>
          e.list({ status: "ERRORED", execution_source: "API_CALL", start_date: new Date(Date.UTC(2020, 0, 1)), limit: 100 })
        ).pipe(Effect.provide(mock.executions()))
        expect(page.docs.length).toBeGreaterThan(0)
        for (const doc of page.docs) expect(doc.status).toBe("ERRORED")
        expect(mock.requests[0]).toBe("/api/v2/public/execution?limit=100&status=ERRORED&execution_source=API+Call&start_date=2020-01-01")
      }))

    it.scopedLive("an invalid parameter, id or option fails with InvalidArgument (not the API's BadRequest) before any request", () =>
      Effect.gen(function*() {
        const mock = yield* start(transport)
        const error = yield* Effect.flip(Effect.flatMap(Executions, (e) => e.list({ limit: 0 })).pipe(Effect.provide(mock.executions())))
        expect(error).toMatchObject({ _tag: "InvalidArgument", parameter: "limit" })
        expect(error.message).toMatch(/"limit"/)
        const [emptyId, maxPages, streamed] = yield* Effect.flatMap(Executions, (e) =>
          Effect.all([
            Effect.flip(e.get(" ")),
            Effect.flip(Stream.runDrain(e.pages({ maxPages: 0 }))),
            Effect.flip(Stream.runDrain(e.stream({ status: "DONE" as "All" })))
          ])
        ).pipe(Effect.provide(mock.executions()))
        expect(emptyId).toMatchObject({
          _tag: "InvalidArgument",
          parameter: "executionId",
          message: 'Invalid executionId: expected a non-empty string other than "." and "..", got " "'
        })
        expect(maxPages).toMatchObject({ _tag: "InvalidArgument", parameter: "maxPages", message: 'Invalid option "maxPages": expected a positive integer, got 0' })
        expect(streamed).toMatchObject({ _tag: "InvalidArgument", parameter: "status" })
        expect(streamed.message).toMatch(/^Invalid query parameter "status"/)
        expect(mock.requests).toEqual([])
      }))

    it.scopedLive("get returns an execution with its nodes", () =>
      Effect.gen(function*() {
        const mock = yield* start(transport)
        const [a, b] = yield* Effect.flatMap(Executions, (e) => Effect.all([e.get(KNOWN), e.get(ALSO_KNOWN)])).pipe(
          Effect.provide(mock.executions())
        )
        expect(a._id).toBe(KNOWN)
        expect(b._id).toBe(ALSO_KNOWN)
        expect(a.nodes.length).toBeGreaterThan(0)
        expect(a.nodes.length).toBe(mock.mock.store.get(ACCOUNT, KNOWN)!.nodes.length)
      }))

    it.scopedLive("get of an unknown id, or of another account's, is NotFound with the vendor's code and a request id", () =>
      Effect.gen(function*() {
        const mock = yield* start(transport)
        const otherAccount = mock.mock.store.accounts.find((a) => a.linked_account_id !== ACCOUNT && mock.mock.store.executions(a.linked_account_id).length > 0)!
        const other = mock.mock.store.executions(otherAccount.linked_account_id)[0]!._id
        const [unknown, foreign] = yield* Effect.flatMap(Executions, (e) =>
          Effect.all([Effect.flip(e.get("0123456789abcdef01234567")), Effect.flip(e.get(other))])
        ).pipe(Effect.provide(mock.executions()))
        for (const error of [unknown, foreign]) {
          expect(error).toMatchObject({ _tag: "NotFound", status: 404, errorCode: "RESOURCE_NOT_FOUND", message: "Execution not found" })
          expect((error as { requestId?: string }).requestId).toMatch(/.+/)
        }
        expect(mock.requests).toHaveLength(2)
      }))

    it.scopedLive("a session token works like the API key for its account", () =>
      Effect.gen(function*() {
        const mock = yield* start(transport)
        const token = mock.mock.mintSessionToken(ACCOUNT)
        const [page, detail] = yield* Effect.flatMap(Executions, (e) => Effect.all([e.list(), e.get(KNOWN)])).pipe(
          Effect.provide(mock.executions(RefoldAuth.sessionToken(token)))
        )
        expect(page.totalDocs).toBe(mock.mock.store.executions(ACCOUNT).length)
        expect(detail._id).toBe(KNOWN)
      }))

    it.scopedLive("credentials the mock refuses are Unauthorized, not retried", () =>
      Effect.gen(function*() {
        const mock = yield* start(transport, { apiKeys: ["tk_the_only_good_key"] })
        const error = yield* Effect.flip(Effect.flatMap(Executions, (e) => e.list()).pipe(Effect.provide(mock.executions())))
        expect(error).toMatchObject({ _tag: "Unauthorized", status: 401 })
        const byToken = yield* Effect.flip(
          Effect.flatMap(Executions, (e) => e.list()).pipe(Effect.provide(mock.executions(RefoldAuth.sessionToken("not-a-token"))))
        )
        expect(byToken._tag).toBe("Unauthorized")
        expect(mock.requests).toHaveLength(2)
      }))

    it.scopedLive("stream over more than 20 pages equals the pages walked by hand", () =>
      Effect.gen(function*() {
        const mock = yield* start(transport)
        const executions = yield* Effect.provide(Executions, mock.executions())
        const byHand: Array<Page.ExecutionPage["docs"][number]> = []
        let pages = 0
        for (let page = 1; ; page++) {
          const p = yield* executions.list({ page, limit: 5 })
          byHand.push(...p.docs)
          pages++
          if (!p.hasNextPage) break
        }
        expect(pages).toBeGreaterThanOrEqual(20)
        const streamed = Chunk.toReadonlyArray(yield* Stream.runCollect(executions.stream({ limit: 5 })))
        expect(streamed).toEqual(byHand)
        expect(ids(streamed)).toEqual(ids(mock.mock.store.executions(ACCOUNT)))
        const walked = Chunk.toReadonlyArray(yield* Stream.runCollect(executions.pages({ limit: 5 })))
        expect(walked.map((p) => p.page)).toEqual(Array.from({ length: pages }, (_, i) => i + 1))
      }))

    // With read-ahead (the default), test/readAhead.test.ts.
    it.scopedLive("page by page, stream fetches only the pages the consumer takes", () =>
      Effect.gen(function*() {
        const mock = yield* start(transport)
        const executions = yield* Effect.provide(Executions, mock.executions())
        const first7 = yield* Stream.runCollect(executions.stream({ limit: 5, readAhead: 0 }).pipe(Stream.take(7)))
        expect(Chunk.size(first7)).toBe(7)
        expect(mock.requests).toEqual(["/api/v2/public/execution?limit=5&page=1", "/api/v2/public/execution?limit=5&page=2"])
        const exactlyOnePage = yield* Stream.runCollect(executions.stream({ limit: 5, readAhead: false }).pipe(Stream.take(5)))
        expect(Chunk.size(exactlyOnePage)).toBe(5)
        expect(mock.requests).toHaveLength(3)
      }))

    it.scopedLive("pages honours maxPages and a starting page", () =>
      Effect.gen(function*() {
        const mock = yield* start(transport)
        const pages = yield* Effect.flatMap(Executions, (e) => Stream.runCollect(e.pages({ limit: 5, page: 4, maxPages: 3 }))).pipe(
          Effect.provide(mock.executions())
        )
        expect(Chunk.toReadonlyArray(pages).map((p) => p.page)).toEqual([4, 5, 6])
        expect(mock.requests).toHaveLength(3)
      }))

    it.scopedLive("interrupting a stream walked page by page ends it at once, aborts the request in flight and fetches nothing more", () =>
      Effect.gen(function*() {
        const mock = yield* start(transport, { hold: (url) => url.searchParams.get("page") === "3" })
        const executions = yield* Effect.provide(Executions, mock.executions(undefined, { timeout: 30_000, deadline: 60_000 }))
        const fiber = yield* Effect.fork(Stream.runDrain(executions.stream({ limit: 5, readAhead: 0 })))
        yield* waitUntil(() => mock.requests.length === 3)
        const started = Date.now()
        const exit = yield* Fiber.interrupt(fiber)
        expect(Exit.isInterrupted(exit)).toBe(true)
        expect(Date.now() - started).toBeLessThan(1_000)
        yield* waitUntil(() => mock.aborted() === 1)
        yield* Effect.promise(() => new Promise((r) => setTimeout(r, 100)))
        expect(mock.requests).toHaveLength(3)
      }))

    it.scopedLive("stream stays exact when executions arrive while it is walked", () =>
      Effect.gen(function*() {
        const mock = yield* start(transport)
        const before = mock.mock.store.executions(ACCOUNT)
        const template = before[0]!
        let arrived = 0
        const arrive = Effect.sync(() => {
          for (let k = 0; k < 7; k++) {
            arrived++
            mock.mock.store.insert({
              ...template,
              _id: (0xfff000 + arrived).toString(16).padStart(24, "0"),
              createdAt: new Date(Date.parse(template.createdAt) + arrived * 1_000).toISOString()
            })
          }
        })
        const executions = yield* Effect.provide(Executions, mock.executions())
        const streamed = yield* executions.stream({ limit: 5 }).pipe(
          // After the second execution of page 2, seven new ones push everything down a page and more.
          Stream.zipWithIndex,
          Stream.tap(([, i]) => (i === 6 ? arrive : Effect.void)),
          Stream.map(([e]) => e),
          Stream.runCollect
        )
        expect(arrived).toBe(7)
        expect(ids(Chunk.toReadonlyArray(streamed))).toEqual(ids(before))
      }))
  })
}

describe("Executions with the mock's own MockHttpClient (as the README shows)", () => {
  it.effect("list, get and stream work through MockHttpClient.layer", () =>
    Effect.gen(function*() {
      const mock = createMockApp()
      const TestRefold = Executions.layer.pipe(
        Layer.provide([
          RefoldAuth.apiKey({ apiKey: "tk_test", linkedAccountId: "user_12345" }),
          RefoldConfig.layer({ baseUrl: "http://mock" }),
          MockHttpClient.layer(mock)
        ])
      )
      const [page, detail, count] = yield* Effect.flatMap(Executions, (e) =>
        Effect.all([e.list(), e.get(KNOWN), Stream.runCount(e.stream({ limit: 100 }))])
      ).pipe(Effect.provide(TestRefold))
      expect(page.docs).toHaveLength(10)
      expect(detail._id).toBe(KNOWN)
      expect(count).toBe(mock.store.executions(ACCOUNT).length)
    }))
})

describe("Executions.layerConfig", () => {
  it.scopedLive("wires credentials, settings and fetch from Config, for either auth mode", () =>
    Effect.gen(function*() {
      const mock = yield* start("tcp")
      const token = mock.mock.mintSessionToken(ACCOUNT)
      const envs = [
        { REFOLD_BASE_URL: mock.url, REFOLD_API_KEY: "tk_from_env", REFOLD_LINKED_ACCOUNT_ID: ACCOUNT },
        { REFOLD_BASE_URL: mock.url, REFOLD_SESSION_TOKEN: token, REFOLD_TIMEOUT: "5 seconds" }
      ]
      for (const env of envs) {
        const page = yield* Effect.flatMap(Executions, (e) => e.list({ limit: 1 })).pipe(
          Effect.provide(Executions.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))),
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
        )
        expect(page.totalDocs).toBe(mock.mock.store.executions(ACCOUNT).length)
      }
      expect(mock.requests).toHaveLength(2)
    }))
})

describe("Workflows.layerConfig", () => {
  it.scopedLive("wires credentials and settings from Config, as Executions.layerConfig does", () =>
    Effect.gen(function*() {
      const mock = yield* start("tcp")
      const sample = mock.mock.store.executions(ACCOUNT)[0]!
      const slug = (sample.associated_application as { slug?: string }).slug!
      const env = { REFOLD_BASE_URL: mock.url, REFOLD_API_KEY: "tk_from_env", REFOLD_LINKED_ACCOUNT_ID: ACCOUNT }
      const started = yield* Effect.flatMap(Workflows, (w) => w.execute(String(sample.associated_workflow!._id), { slug })).pipe(
        Effect.provide(Workflows.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
      )
      expect(mock.mock.store.find(started.execution_id!)?.status).toBe("RUNNING")
      const missing = yield* Effect.flip(
        Effect.flatMap(Workflows, (w) => w.execute(String(sample.associated_workflow!._id), { slug })).pipe(
          Effect.provide(Workflows.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))),
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["REFOLD_BASE_URL", mock.url]])))
        )
      )
      expect(String(missing)).toMatch(/REFOLD_API_KEY|REFOLD_SESSION_TOKEN/)
    }))
})
