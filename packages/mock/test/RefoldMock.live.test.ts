/**
 * The kit's clock and lifecycle: in `RefoldMock.layer` the mock runs on Effect's `Clock`, so that
 * `TestClock.adjust` moves executions (and wakes fibers waiting for them) with no real waiting;
 * `RefoldMock.advance`, `insert`, `update` and `force` drive it from a test.
 */
import { HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { Execution } from "@refold-effect/contract"
import { describe, expect, it, layer } from "@effect/vitest"
import { Duration, Effect, Fiber, TestClock } from "effect"
import { RefoldMock } from "../src/index.js"
import * as Lifecycle from "../src/Lifecycle.js"
import { accounts, objectId, readyNodes, record, small } from "./support/data.js"

const acme = { "x-api-key": "tk-test", linked_account_id: accounts.acme.linked_account_id }

/** User code: the execution as the API shows it. */
const getExecution = (id: string) =>
  Effect.gen(function* () {
    const client = (yield* HttpClient.HttpClient).pipe(HttpClient.filterStatusOk)
    return yield* client
      .execute(HttpClientRequest.get(`https://app.refold.ai/api/v2/public/execution/${id}`).pipe(HttpClientRequest.setHeaders(acme)))
      .pipe(Effect.flatMap(HttpClientResponse.schemaBodyJson(Execution.Detail)))
  })

/** User code: polls every second until the execution is no longer running. */
const waitForEnd = (id: string) =>
  Effect.gen(function* () {
    for (;;) {
      const execution = yield* getExecution(id)
      if (execution.status !== "RUNNING") return execution
      yield* Effect.sleep("1 second")
    }
  })

const nodes = readyNodes(["start", "application", "api_request", "custom_code"], 1)

let serial = 500
const insertRunning = Effect.gen(function* () {
  const { now } = yield* Effect.map(RefoldMock, (m) => m.app.clock.snapshot())
  return yield* RefoldMock.insert(record({ _id: objectId(serial++), createdAt: now, status: "RUNNING", completion_percentage: 0, nodes }))
})

describe("RefoldMock: executions on Effect's Clock", () => {
  layer(RefoldMock.layer({ fixtures: small(40, 2) }))((it) => {
    it.effect("TestClock.adjust runs executions, and user code polling on the same clock sees the end", () =>
      Effect.gen(function* () {
        const inserted = yield* insertRunning
        yield* RefoldMock.force(inserted._id, { status: "ERRORED", node: 3 })
        const fiber = yield* Effect.fork(waitForEnd(inserted._id))
        expect((yield* getExecution(inserted._id)).status).toBe("RUNNING")
        // Realistic times: the three nodes that succeed take at most 500 + 2400 + 1800 ms.
        yield* TestClock.adjust("5 seconds")
        const final = yield* Fiber.join(fiber)
        expect(final.status).toBe("ERRORED")
        expect(final.nodes.map((n) => n.node_status)).toEqual(["Success", "Success", "Success", "Errored"])
        expect(final.completion_time).toBeDefined()
      }))

    it.effect("RefoldMock.advance moves the mock's clock alone", () =>
      Effect.gen(function* () {
        const inserted = yield* insertRunning
        yield* RefoldMock.force(inserted._id, { status: "COMPLETED" })
        yield* RefoldMock.advance("10 seconds")
        const done = yield* getExecution(inserted._id)
        expect(done.status).toBe("COMPLETED")
        expect(done.completion_percentage).toBe(100)
      }))

    it.effect("RefoldMock.update to STOPPING stops the execution on the clock", () =>
      Effect.gen(function* () {
        const inserted = yield* insertRunning
        yield* RefoldMock.update(inserted._id, { status: "STOPPING" })
        yield* TestClock.adjust(Lifecycle.STOP_MS - 1)
        expect((yield* getExecution(inserted._id)).status).toBe("STOPPING")
        yield* TestClock.adjust(1)
        expect((yield* getExecution(inserted._id)).status).toBe("STOPPED")
      }))

    it.effect("explains bad edits as a RefoldMockError", () =>
      Effect.gen(function* () {
        const missing = yield* Effect.flip(RefoldMock.update(objectId(77_777), { status: "COMPLETED" }))
        expect(missing.message).toMatch(/No execution/)
        const bad = yield* Effect.flip(RefoldMock.insert({ ...record({ _id: "nope" }) }))
        expect(bad.message).toMatch(/Invalid execution/)
        const unknown = yield* Effect.flip(RefoldMock.force(objectId(77_777), { status: "ERRORED" }))
        expect(unknown.message).toBe(`No execution "${objectId(77_777)}"`)
        const backwards = yield* Effect.flip(RefoldMock.advance(-5))
        expect(backwards.message).toMatch(/Invalid clock advance/)
        const endless = yield* Effect.flip(RefoldMock.advance(Duration.infinity))
        expect(endless.message).toMatch(/Invalid clock advance Infinity \(not finite\)/)
        const fractional = yield* Effect.flip(RefoldMock.advance(1.5))
        expect(fractional.message).toMatch(/Invalid clock advance 1\.5: expected a whole number of milliseconds/)
      }))
  })

  it.effect("without TestClock adjustments nothing moves: the data set's running executions stay as they are", () =>
    Effect.gen(function* () {
      const mock = yield* RefoldMock
      const before = mock.app.store.executions().filter((r) => r.status === "RUNNING")
      expect(before.length).toBeGreaterThan(0)
      yield* Effect.yieldNow()
      expect(mock.app.store.executions().filter((r) => r.status === "RUNNING")).toEqual(before)
      yield* TestClock.adjust("1 hour")
      expect(mock.app.store.executions().filter((r) => r.status === "RUNNING")).toEqual([])
    }).pipe(Effect.provide(RefoldMock.layer({ fixtures: small(300, 5) }))))

  it.effect("on TestClock, the mock's clock starts at the data set's now and runs executed runs on one timeline", () =>
    Effect.gen(function* () {
      const mock = yield* RefoldMock
      const start = mock.app.clock.now()
      // Effect's clock reads 1970; the mock's reads the system's time (the generated set's anchor day).
      expect(Math.abs(start - Date.now())).toBeLessThan(60_000)
      yield* TestClock.adjust("1234 millis")
      expect(mock.app.clock.now()).toBe(start + 1234)
      const template = mock.app.store.executions().find((r) => r.associated_workflow?._id !== undefined && r.associated_application?.slug !== undefined)!
      const headers = { "x-api-key": "tk-test", linked_account_id: template.linked_account_id, slug: template.associated_application!.slug! }
      const client = (yield* HttpClient.HttpClient).pipe(HttpClient.filterStatusOk)
      const executed = yield* client
        .execute(HttpClientRequest.post(`https://app.refold.ai/api/v2/public/workflow/${template.associated_workflow!._id}/execute`).pipe(HttpClientRequest.setHeaders(headers), HttpClientRequest.bodyUnsafeJson({})))
        .pipe(Effect.flatMap((r) => r.json))
      const id = (executed as { execution_id: string }).execution_id
      yield* RefoldMock.force(id, { status: "COMPLETED" })
      yield* TestClock.adjust("10 minutes")
      const read = (url: string) => client.execute(HttpClientRequest.get(url).pipe(HttpClientRequest.setHeaders(headers))).pipe(Effect.flatMap((r) => r.json))
      const done = (yield* read(`https://app.refold.ai/api/v2/public/execution/${id}`)) as { status: string; createdAt: string; completion_time: string; instance_execution_time: number }
      expect(done.status).toBe("COMPLETED")
      expect(Date.parse(done.createdAt)).toBe(start + 1234)
      expect(Date.parse(done.completion_time)).toBeGreaterThanOrEqual(Date.parse(done.createdAt))
      expect(done.instance_execution_time).toBe(Date.parse(done.completion_time) - Date.parse(done.createdAt))
      expect(done.instance_execution_time).toBeGreaterThan(0)
      // The day the clock read when the run was created: the run is found from it on.
      const day = done.createdAt.slice(0, 10)
      const page = (yield* read(`https://app.refold.ai/api/v2/public/execution?start_date=${day}&limit=100`)) as { docs: ReadonlyArray<{ _id: string }> }
      expect(page.docs.map((d) => d._id)).toContain(id)
    }).pipe(Effect.provide(RefoldMock.layer({ fixtures: { generate: { size: 300, seed: 2 } } }))))

  it.effect("on TestClock, the mock's clock starts at a generated set's anchor", () =>
    Effect.gen(function* () {
      const mock = yield* RefoldMock
      expect(mock.app.clock.now()).toBe(Date.parse("2025-06-01T00:00:00.000Z"))
      yield* TestClock.adjust("5 seconds")
      expect(mock.app.clock.now()).toBe(Date.parse("2025-06-01T00:00:05.000Z"))
    }).pipe(Effect.provide(RefoldMock.layer({ fixtures: { generate: { size: 50, seed: 2, anchor: "2025-06-01" } } }))))
})
