/**
 * A test kit's generated data set without an anchor is as of the mock's day (issue #13): "the last
 * 7 days" finds executions, over TCP (`useMockServer`) and in-process (`RefoldMock.layer`, whose
 * clock under `TestClock` reads 1970, before any day the generator takes: the system's day then).
 */
import { HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { describe, expect, layer } from "@effect/vitest"
import { Page } from "@refold-effect/contract"
import { DataSet } from "@refold-effect/fixtures"
import { useMockServer } from "@refold-effect/mock/vitest"
import { Effect } from "effect"
import { it } from "vitest"
import { MockClock, RefoldMock } from "../src/index.js"

const DAY = 86_400_000
const user = { "x-api-key": "tk-test", linked_account_id: "user_12345" }
/** `start_date` for the last 7 days before `now`, as a client computes it. */
const lastWeek = (now: number) => new Date(now - 7 * DAY).toISOString()

/** A clock of one's own, stopped at `time`. */
const stoppedAt = (time: number) => MockClock.make({ speed: 0, source: { now: () => time, wait: () => () => {} } })

describe("useMockServer with a generated data set and no anchor", () => {
  const server = useMockServer({ fixtures: { generate: { size: 300, seed: 5 } } })

  it("serves executions of the last 7 days of the current time over TCP", async () => {
    const now = Date.now()
    const response = await fetch(`${server.url}/api/v2/public/execution?limit=100&start_date=${encodeURIComponent(lastWeek(now))}`, { headers: user })
    expect(response.status).toBe(200)
    const page = (await response.json()) as { docs: ReadonlyArray<{ createdAt: string }>; totalDocs: number }
    expect(page.totalDocs).toBeGreaterThan(0)
    for (const doc of page.docs) {
      expect(Date.parse(doc.createdAt)).toBeGreaterThanOrEqual(now - 7 * DAY)
      expect(Date.parse(doc.createdAt)).toBeLessThan(now)
    }
  })
})

describe("useMockServer with a clock of one's own", () => {
  const time = Date.UTC(2030, 0, 15, 9, 30)
  const server = useMockServer({ fixtures: { generate: { size: 300, seed: 5 } }, clock: stoppedAt(time) })

  it("generates the data set as of the clock's day", () => {
    expect(server.mock.clock.now()).toBe(time)
    expect(server.mock.store.size).toBe(300)
    const expected = DataSet.generate({ size: 300, seed: 5, anchor: "2030-01-15" })
    const newest = expected.executions.at(-1)!
    expect(newest.createdAt < "2030-01-15").toBe(true)
    expect(newest.createdAt >= "2030-01-08").toBe(true)
    expect(server.mock.store.find(newest._id)?.createdAt).toBe(newest.createdAt)
  })
})

/** User code: the total of an account's executions created since `start`. */
const countSince = (start: string) =>
  Effect.gen(function* () {
    const client = (yield* HttpClient.HttpClient).pipe(HttpClient.filterStatusOk)
    const page = yield* client
      .execute(HttpClientRequest.get("https://app.refold.ai/api/v2/public/execution", { urlParams: { start_date: start } }).pipe(HttpClientRequest.setHeaders(user)))
      .pipe(Effect.flatMap(HttpClientResponse.schemaBodyJson(Page.ExecutionPage)))
    return page.totalDocs
  })

describe("RefoldMock.layer with a generated data set and no anchor", () => {
  // @effect/vitest's `layer` builds it under TestClock: the mock's clock reads 1970-01-01.
  layer(RefoldMock.layer({ fixtures: { generate: { size: 300, seed: 5 } } }))((it) => {
    it.effect("builds under TestClock, as of the system's day: the last 7 days of the current time hold executions", () =>
      Effect.gen(function* () {
        const mock = yield* RefoldMock
        // TestClock reads 1970; the mock's clock starts at the system's time (see RefoldMock).
        expect(Math.abs(mock.app.clock.now() - Date.now())).toBeLessThan(60_000)
        expect(yield* countSince(lastWeek(Date.now()))).toBeGreaterThan(0)
      }))
  })

  layer(RefoldMock.layer({ fixtures: { generate: { size: 300, seed: 5, anchor: DataSet.bundledAnchor } } }))((it) => {
    it.effect("takes an explicit anchor as given: the bundled day's data, the same on any day", () =>
      Effect.gen(function* () {
        const mock = yield* RefoldMock
        const expected = DataSet.generate({ size: 300, seed: 5, anchor: DataSet.bundledAnchor })
        expect(expected.executions.map((r) => mock.app.store.find(r._id)?.createdAt)).toEqual(expected.executions.map((r) => r.createdAt))
        expect(yield* countSince(lastWeek(DataSet.bundledAnchor))).toBeGreaterThan(0)
        expect(yield* countSince(lastWeek(Date.now()))).toBe(0)
      }))
  })

  layer(RefoldMock.layer({ fixtures: { generate: { size: 300, seed: 5 } }, clock: stoppedAt(Date.UTC(2031, 5, 1, 12)) }))((it) => {
    it.effect("anchors on a clock of one's own when it reads a day the generator takes", () =>
      Effect.gen(function* () {
        expect(yield* countSince("2031-05-25")).toBeGreaterThan(0)
        expect(yield* countSince("2031-06-01")).toBe(0)
      }))
  })
})
