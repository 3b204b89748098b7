/**
 * `watch` and `waitFor` against the mock's lifecycle: in `RefoldMock.layer` the mock's executions
 * advance on Effect's `Clock`, as the SDK's polls do, so `TestClock.adjust` runs both with no real
 * waiting. Executions started by the SDK (execute, rerun, stop) are followed to the end the test
 * forced.
 */
import { describe, expect, it } from "@effect/vitest"
import { RefoldMock } from "@refold-effect/mock"
import { Chunk, Effect, Fiber, Layer, Stream, TestClock } from "effect"
import { type Execution, Executions, RefoldConfig, Workflows } from "../src/index.js"
import { apiKeyAuth, fast } from "./support/layers.js"

const ACCOUNT = "user_12345"

/** The SDK over a fresh in-process mock whose clock is Effect's (the test clock, in `it.effect`). */
const sdk = Layer.merge(Executions.layer, Workflows.layer).pipe(
  Layer.provide([apiKeyAuth, RefoldConfig.layer({ ...fast, baseUrl: "https://app.refold.ai" })]),
  Layer.provideMerge(RefoldMock.layer()),
  Layer.orDie
)

/** Moves the test clock a second at a time until `fiber` is done (at most `limit` seconds). */
const driveUntilDone = <A, E>(fiber: Fiber.RuntimeFiber<A, E>, limit = 600) =>
  Effect.gen(function*() {
    for (let s = 0; s < limit && fiber.unsafePoll() === null; s++) {
      yield* TestClock.adjust("1 second")
      // Let the in-process requests woken by this second answer before the clock moves again.
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 1)))
    }
    return yield* Fiber.join(fiber)
  })

/** A RUNNING execution of the account, started by the SDK through `execute`. */
const executeOne = Effect.gen(function*() {
  const mock = yield* RefoldMock
  const sample = mock.app.store.get(ACCOUNT, mock.app.store.executions(ACCOUNT)[0]!._id)!
  const slug = (sample.associated_application as { slug?: string }).slug!
  const started = yield* (yield* Workflows).execute(String(sample.associated_workflow!._id), { slug, instanceTag: "watch-test" })
  return started.execution_id!
})

const statuses = (snapshots: ReadonlyArray<Execution.Detail>) => snapshots.map((s) => s.status)

describe("watch and waitFor against the mock's lifecycle", () => {
  it.effect("watch follows an executed workflow, change by change, to the ERRORED end forced on it", () =>
    Effect.gen(function*() {
      const id = yield* executeOne
      yield* RefoldMock.force(id, { status: "ERRORED", node: 3 })
      const executions = yield* Executions
      const fiber = yield* Effect.fork(Stream.runCollect(executions.watch(id, { interval: "500 millis" })))
      const snapshots = Chunk.toReadonlyArray(yield* driveUntilDone(fiber))
      // Started, at least one node done, the end.
      expect(snapshots.length).toBeGreaterThanOrEqual(3)
      expect(statuses(snapshots)[0]).toBe("RUNNING")
      expect(statuses(snapshots).at(-1)).toBe("ERRORED")
      expect(statuses(snapshots).slice(0, -1).every((s) => s === "RUNNING")).toBe(true)
      // Each one a change; progress never goes back.
      for (let i = 1; i < snapshots.length; i++) expect(JSON.stringify(snapshots[i])).not.toBe(JSON.stringify(snapshots[i - 1]))
      const percents = snapshots.map((s) => s.completion_percentage)
      expect([...percents].sort((a, b) => a - b)).toEqual(percents)
      const final = snapshots.at(-1)!
      expect(final.nodes[3]!.node_status).toBe("Errored")
      expect(final.completion_time).toBeDefined()
      // Polled at least once per emitted snapshot, and not once after the end.
      const polls = yield* RefoldMock.count({ urlPath: `/api/v2/public/execution/${id}` })
      expect(polls).toBeGreaterThanOrEqual(snapshots.length)
      yield* TestClock.adjust("1 hour")
      expect(yield* RefoldMock.count({ urlPath: `/api/v2/public/execution/${id}` })).toBe(polls)
    }).pipe(Effect.provide(sdk)))

  it.effect("waitFor a RUNNING execution of the data set forced to COMPLETED", () =>
    Effect.gen(function*() {
      const mock = yield* RefoldMock
      const running = mock.app.store.executions(ACCOUNT).find((e) => e.status === "RUNNING")!
      yield* RefoldMock.force(running._id, { status: "COMPLETED" })
      const fiber = yield* Effect.fork(Effect.flatMap(Executions, (e) => e.waitFor(running._id, { interval: "1 second" })))
      const final = yield* driveUntilDone(fiber)
      expect(final).toMatchObject({ _id: running._id, status: "COMPLETED", completion_percentage: 100 })
      expect(final.nodes.every((n) => n.node_status === "Success")).toBe(true)
    }).pipe(Effect.provide(sdk)))

  it.effect("a stop sent by the SDK: watch sees STOPPING settle as STOPPED", () =>
    Effect.gen(function*() {
      const id = yield* executeOne
      const executions = yield* Executions
      yield* executions.stop(id)
      const fiber = yield* Effect.fork(Stream.runCollect(executions.watch(id, { interval: "500 millis" })))
      expect(statuses(Chunk.toReadonlyArray(yield* driveUntilDone(fiber)))).toEqual(["STOPPING", "STOPPED"])
    }).pipe(Effect.provide(sdk)))

  it.effect("waitFor gives up with WaitTimeout before a run forced to TIMED_OUT ends, and a longer one sees the end", () =>
    Effect.gen(function*() {
      const id = yield* executeOne
      yield* RefoldMock.force(id, { status: "TIMED_OUT" })
      const executions = yield* Executions
      const short = yield* Effect.fork(Effect.flip(executions.waitFor(id, { interval: "1 second", timeout: "5 seconds" })))
      const error = yield* driveUntilDone(short)
      expect(error).toMatchObject({ _tag: "WaitTimeout", executionId: id, status: "RUNNING" })
      const long = yield* Effect.fork(executions.waitFor(id, { interval: "1 second", timeout: "10 minutes" }))
      expect((yield* driveUntilDone(long)).status).toBe("TIMED_OUT")
    }).pipe(Effect.provide(sdk)))
})
