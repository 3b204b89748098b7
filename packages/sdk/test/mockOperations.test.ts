/**
 * stop, rerun, batches and execute against the mock, in-process and over TCP: the state changes the
 * mock simulates are what the SDK reads back.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { Executions, Workflows } from "../src/index.js"
import { start, transports } from "./support/mock.js"

const ACCOUNT = "user_12345"

for (const transport of transports) {
  describe(`operations against the mock (${transport})`, () => {
    it.scopedLive("stop a RUNNING execution; rerun an ERRORED one; a COMPLETED one refused with the mock's 409", () =>
      Effect.gen(function*() {
        const mock = yield* start(transport)
        const all = mock.mock.store.executions(ACCOUNT)
        const running = all.find((e) => e.status === "RUNNING")!
        const errored = all.find((e) => e.status === "ERRORED")!
        const completed = all.find((e) => e.status === "COMPLETED")!
        const executions = yield* Effect.provide(Executions, mock.executions())
        expect(yield* executions.stop(running._id)).toMatchObject({ message: "Stopping instance" })
        expect(["STOPPING", "STOPPED"]).toContain((yield* executions.get(running._id)).status)
        const id = yield* executions.rerun(errored._id)
        expect(id).not.toBe(errored._id)
        expect((yield* executions.get(id)).status).toBe("RUNNING")
        expect((yield* executions.get(errored._id)).status).toBe("ERRORED")
        expect((yield* executions.list({ limit: 1 })).docs[0]!._id).toBe(id)
        const conflict = yield* Effect.flip(executions.rerun(completed._id))
        expect(conflict).toMatchObject({ _tag: "BadRequest", status: 409 })
        const unknown = yield* Effect.flip(executions.stop("0123456789abcdef01234567"))
        expect(unknown._tag).toBe("NotFound")
      }))

    it.scopedLive("batches of a batch node, page by page and as a stream", () =>
      Effect.gen(function*() {
        const mock = yield* start(transport)
        const executions = yield* Effect.provide(Executions, mock.executions())
        const withBatch = mock.mock.store.executions(ACCOUNT)
          .map((e) => mock.mock.store.get(ACCOUNT, e._id)!)
          .find((d) => d.nodes.some((n) => n.is_batch && n.node_status === "Success"))!
        const node = withBatch.nodes.find((n) => n.is_batch && n.node_status === "Success")!
        const first = yield* executions.batches(withBatch._id, node.node_id, { limit: 1 })
        expect(first.docs).toHaveLength(1)
        const all = Chunk.toReadonlyArray(yield* Stream.runCollect(executions.batchStream(withBatch._id, node.node_id, { limit: 1 })))
        expect(all).toHaveLength(first.totalDocs)
        expect(all.every((b) => b.status === "Success")).toBe(true)
      }))

    it.scopedLive("execute starts a RUNNING execution of the workflow; a missing workflow is NotFound", () =>
      Effect.gen(function*() {
        const mock = yield* start(transport)
        const sample = mock.mock.store.get(ACCOUNT, mock.mock.store.executions(ACCOUNT)[0]!._id)!
        const slug = (sample.associated_application as { slug?: string }).slug!
        const result = yield* Effect.gen(function*() {
          const workflows = yield* Workflows
          const executions = yield* Executions
          const started = yield* workflows.execute(String(sample.associated_workflow!._id), { slug, payload: { hello: "world" }, instanceTag: "sdk-test" })
          const detail = yield* executions.get(started.execution_id)
          const missing = yield* Effect.flip(workflows.execute("0123456789abcdef01234567", { slug }))
          return { detail, missing }
        }).pipe(Effect.provide(mock.sdk()))
        expect(result.detail.status).toBe("RUNNING")
        expect(result.detail.instance_tag).toBe("sdk-test")
        expect(result.detail.associated_workflow?._id).toBe(sample.associated_workflow!._id)
        expect(result.missing._tag).toBe("NotFound")
      }))
  })
}
