/**
 * stop, rerun, a node's batches and executing a workflow, against a scripted server over TCP: the
 * request sent (method, path, headers, body), the answer decoded, parameters refused before
 * sending, and the Promise facade's counterparts.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Layer, Stream } from "effect"
import { type BatchParams, Executions, type InvalidArgument, type WalkParams, RefoldAuth, RefoldConfig, Workflows } from "../src/index.js"
import { createRefoldClient } from "../src/promise.js"
import * as Faults from "./support/Faults.js"
import * as Recorder from "./support/recorder.js"
import { API_KEY, clientLayer, fast } from "./support/layers.js"
import * as Samples from "./support/samples.js"

const ID = "65410cf6cdf931a12d7ab009"

const layerAt = (url: string) =>
  Layer.merge(Executions.layer, Workflows.layer).pipe(
    Layer.provide([RefoldAuth.apiKey({ apiKey: API_KEY, linkedAccountId: "user_12345" }), RefoldConfig.layer({ ...fast, baseUrl: url }), clientLayer("fetch")]),
    Layer.orDie
  )

const batchPage = (page: number, pages: number) => ({
  docs: [{ batch_index: page * 10, status: "Success", output: { n: page } }, { batch_index: page * 10 + 1, status: "Errored", extra: true }],
  totalDocs: pages * 2,
  limit: 2,
  page,
  totalPages: pages,
  pagingCounter: (page - 1) * 2 + 1,
  hasPrevPage: page > 1,
  hasNextPage: page < pages,
  prevPage: page > 1 ? page - 1 : null,
  nextPage: page < pages ? page + 1 : null
})

describe("Executions.stop and rerun", () => {
  it.scopedLive("stop POSTs to …/stop and answers the vendor's message; rerun answers the new id", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(Faults.json(200, { message: "Stopping instance" }), Faults.json(200, { status: "success", id: "new-execution-id" }))
      const [stopped, rerun] = yield* Effect.flatMap(Executions, (e) => Effect.all([e.stop(ID), e.rerun(ID)])).pipe(Effect.provide(layerAt(server.url)))
      expect(stopped).toEqual({ message: "Stopping instance" })
      expect(rerun).toBe("new-execution-id")
      expect(server.requests.map((r) => [r.method, r.url])).toEqual([
        ["POST", `/api/v2/public/execution/${ID}/stop`],
        ["POST", `/api/v2/public/execution/${ID}/rerun`]
      ])
      expect(server.requests[0]!.headers["x-api-key"]).toBe(API_KEY)
    }))

  it.scopedLive("a 404 is NotFound, sent once; a 503 is not retried (the stop may have been processed)", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(
        Faults.json(404, Samples.errorBody(404, "RESOURCE_NOT_FOUND", "Execution not found")),
        Faults.json(503, Samples.errorBody(503, "UNAVAILABLE", "Down"))
      )
      const [missing, down] = yield* Effect.flatMap(Executions, (e) => Effect.all([Effect.flip(e.stop(ID)), Effect.flip(e.rerun(ID))])).pipe(
        Effect.provide(layerAt(server.url))
      )
      expect(missing._tag).toBe("NotFound")
      expect(down._tag).toBe("ServerError")
      expect(server.count()).toBe(2)
    }))

  it.scopedLive("an empty or dot-segment id is refused before sending", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      const errors = yield* Effect.flatMap(Executions, (e) => Effect.all([Effect.flip(e.stop("")), Effect.flip(e.rerun(".."))])).pipe(
        Effect.provide(layerAt(server.url))
      )
      for (const error of errors) expect(error).toMatchObject({ _tag: "InvalidArgument", parameter: "executionId" })
      expect(server.count()).toBe(0)
    }))
})

describe("Executions.batches and batchStream", () => {
  it.scopedLive("batches answers one page; batchStream every batch across pages, in order", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(Faults.json(200, batchPage(1, 3)), Faults.json(200, batchPage(1, 3)), Faults.json(200, batchPage(2, 3)), Faults.json(200, batchPage(3, 3)))
      const [page, all] = yield* Effect.flatMap(Executions, (e) =>
        Effect.all([e.batches(ID, "node 1", { limit: 2, status: "Success" }), Stream.runCollect(e.batchStream(ID, "node 1", { limit: 2 }))])
      ).pipe(Effect.provide(layerAt(server.url)))
      expect(page.docs).toHaveLength(2)
      expect(page.docs[1]).toMatchObject({ extra: true })
      expect(Chunk.toReadonlyArray(all).map((b) => b.batch_index)).toEqual([10, 11, 20, 21, 30, 31])
      expect(server.requests.map((r) => r.url)).toEqual([
        `/api/v2/public/execution/${ID}/nodes/node%201/batches?limit=2&status=Success`,
        `/api/v2/public/execution/${ID}/nodes/node%201/batches?limit=2&page=1`,
        `/api/v2/public/execution/${ID}/nodes/node%201/batches?limit=2&page=2`,
        `/api/v2/public/execution/${ID}/nodes/node%201/batches?limit=2&page=3`
      ])
    }))

  // A server whose `nextPage` always moves on must not be walked for ever: batchStream keeps the
  // guards of `pages` (an empty page that announces another, a nextPage beyond totalPages).
  it.scopedLive("batchStream ends, with a warning, on metadata that would walk on without end", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      const empty = (page: number) => ({ ...batchPage(page, 1), docs: [], totalPages: 1_000, nextPage: page + 1 })
      server.script(...Array.from({ length: 5 }, (_, i) => Faults.json(200, empty(i + 1))))
      const recorder = Recorder.make()
      const none = yield* Effect.flatMap(Executions, (e) => Stream.runCollect(e.batchStream(ID, "n1"))).pipe(Effect.provide(layerAt(server.url)), recorder.run)
      expect(Chunk.size(none)).toBe(0)
      expect(recorder.logs.filter((l) => l.startsWith("WARN"))).toEqual([expect.stringContaining("Refold pagination stopped: page 1 is empty but announces page 2")])
      expect(server.count()).toBe(1)
      const other = yield* Faults.make()
      const beyond = (page: number) => ({ ...batchPage(page, 2), nextPage: page + 1 })
      other.script(...Array.from({ length: 5 }, (_, i) => Faults.json(200, beyond(i + 1))))
      const two = yield* Effect.flatMap(Executions, (e) => Stream.runCollect(e.batchStream(ID, "n1"))).pipe(Effect.provide(layerAt(other.url)))
      expect(Chunk.toReadonlyArray(two).map((b) => b.batch_index)).toEqual([10, 11, 20, 21])
      expect(other.count()).toBe(2)
    }))

  it.scopedLive("a 501 (not a batch node) is ServerError, not retried; bad parameters are refused before sending", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.json(501, Samples.errorBody(501, "NOT_IMPLEMENTED", "Not a batch node")))
      const [notBatch, badLimit, badNode] = yield* Effect.flatMap(Executions, (e) =>
        Effect.all([Effect.flip(e.batches(ID, "n1")), Effect.flip(e.batches(ID, "n1", { limit: 0 })), Effect.flip(e.batches(ID, ""))])
      ).pipe(Effect.provide(layerAt(server.url)))
      expect(notBatch).toMatchObject({ _tag: "ServerError", status: 501 })
      expect(badLimit).toMatchObject({ _tag: "InvalidArgument", parameter: "limit" })
      expect(badNode).toMatchObject({ _tag: "InvalidArgument", parameter: "nodeId" })
      expect(server.count()).toBe(1)
    }))

  // From JavaScript or through `any`: refused by name, before anything is sent, never a crash.
  it.effect("params that are not an object are InvalidArgument for list, pages, stream and batches", () =>
    Effect.gen(function*() {
      const errors = yield* Effect.flatMap(Executions, (e) =>
        Effect.all([
          Effect.flip(e.list(null as unknown as WalkParams)),
          Effect.flip(Stream.runDrain(e.pages(null as unknown as WalkParams))),
          Effect.flip(Stream.runDrain(e.stream(42 as unknown as WalkParams))),
          Effect.flip(Stream.runDrain(e.batchStream(ID, "n1", "all" as unknown as BatchParams)))
        ])
      ).pipe(Effect.provide(layerAt("http://127.0.0.1:1")))
      expect(errors.map((error) => [error._tag, (error as InvalidArgument).parameter, error.message])).toEqual([
        ["InvalidArgument", "params", "Invalid query parameters: expected an object, got null"],
        ["InvalidArgument", "params", "Invalid query parameters: expected an object, got null"],
        ["InvalidArgument", "params", "Invalid query parameters: expected an object, got a number"],
        ["InvalidArgument", "params", "Invalid batch parameters: expected an object, got a string"]
      ])
    }))

  it.effect("a bad batch parameter's message names it and what was wrong, as list's does", () =>
    Effect.gen(function*() {
      const errors = yield* Effect.flatMap(Executions, (e) =>
        Effect.all([
          Effect.flip(e.batches(ID, "n1", { limit: 0 })),
          Effect.flip(e.batches(ID, "n1", { page: 1.5 })),
          Effect.flip(Stream.runDrain(e.batchStream(ID, "n1", { limit: 1001 }))),
          Effect.flip(e.batches(ID, "n1", { status: "x".repeat(65) })),
          Effect.flip(e.batches(ID, "n1", null as unknown as BatchParams)),
          Effect.flip(e.batches(ID, "n1", { limit: [5] as unknown as number }))
        ])
      ).pipe(Effect.provide(layerAt("http://127.0.0.1:1")))
      expect(errors.map((error) => [error._tag, (error as InvalidArgument).parameter, error.message])).toEqual([
        ["InvalidArgument", "limit", `Invalid query parameter "limit": expected a positive integer no greater than 1000, got "0"`],
        ["InvalidArgument", "page", `Invalid query parameter "page": expected a positive integer no greater than 1000000000, got "1.5"`],
        ["InvalidArgument", "limit", `Invalid query parameter "limit": expected a positive integer no greater than 1000, got "1001"`],
        ["InvalidArgument", "status", expect.stringMatching(/^Invalid query parameter "status": /)],
        ["InvalidArgument", "params", "Invalid batch parameters: expected an object, got null"],
        ["InvalidArgument", "limit", `Invalid query parameter "limit": expected a string, number, boolean or Date, got an array`]
      ])
    }))
})

describe("Workflows.execute", () => {
  it.scopedLive("Workflows.forAccount, like Executions.forAccount, runs a workflow for another linked account with the same key", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.json(200, { message: "Workflow execution started", execution_id: "e1" }))
      const started = yield* Effect.flatMap(Workflows.forAccount("acme"), (w) => w.execute("wf1", { slug: "hubspot" })).pipe(
        Effect.provide(layerAt(server.url))
      )
      expect(started.execution_id).toBe("e1")
      expect(server.requests.map((r) => r.headers.linked_account_id)).toEqual(["acme"])
    }))

  it.scopedLive("POSTs the payload with slug, sync_execution and instance_tag headers; answers either vendor shape", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(
        Faults.json(200, { message: "Workflow execution started", execution_id: "e1" }),
        Faults.json(200, { execution_id: "e2", return_value: { ok: 1 }, errored: false, status_code: 200, executed_by_thanos: false })
      )
      const [started, synced] = yield* Effect.flatMap(Workflows, (w) =>
        Effect.all([
          w.execute("wf1", { slug: "hubspot", payload: { email: "a@b.c" }, instanceTag: "t-1" }),
          w.execute("wf1", { slug: "hubspot", sync: true })
        ])
      ).pipe(Effect.provide(layerAt(server.url)))
      expect(started.execution_id).toBe("e1")
      expect(synced).toMatchObject({ execution_id: "e2", return_value: { ok: 1 } })
      const [first, second] = server.requests
      expect([first!.method, first!.url]).toEqual(["POST", "/api/v2/public/workflow/wf1/execute"])
      expect(first!.headers).toMatchObject({ slug: "hubspot", instance_tag: "t-1", "content-type": "application/json" })
      expect(second!.headers).toMatchObject({ slug: "hubspot", sync_execution: "true" })
    }))

  it.scopedLive("a missing slug or a header with a line break is refused before sending; the API's 400 is BadRequest", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.json(400, Samples.errorBody(400, "BAD_REQUEST", "Workflow ID and slug are required")))
      const [noSlug, crlf, refused] = yield* Effect.flatMap(Workflows, (w) =>
        Effect.all([
          Effect.flip(w.execute("wf1", {} as never)),
          Effect.flip(w.execute("wf1", { slug: "hubspot", instanceTag: "a\r\nx-injected: 1" })),
          Effect.flip(w.execute("wf1", { slug: "hubspot" }))
        ])
      ).pipe(Effect.provide(layerAt(server.url)))
      expect(noSlug).toMatchObject({ _tag: "InvalidArgument", parameter: "slug" })
      expect(crlf).toMatchObject({ _tag: "InvalidArgument", parameter: "instanceTag" })
      expect(refused).toMatchObject({ _tag: "BadRequest", status: 400, message: "Workflow ID and slug are required" })
      expect(server.count()).toBe(1)
    }))
})

describe("the Promise facade's counterparts", () => {
  it.scopedLive("stop, rerun, batches, iterateBatches and workflows.execute", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(
        Faults.json(200, { message: "Stopping instance" }),
        Faults.json(200, { status: "success", id: "n1" }),
        Faults.json(200, batchPage(1, 1)),
        Faults.json(200, batchPage(1, 1)),
        Faults.json(200, { message: "Workflow execution started", execution_id: "e1" })
      )
      const refold = yield* Effect.acquireRelease(
        Effect.sync(() => createRefoldClient({ apiKey: API_KEY, linkedAccountId: "user_12345", ...fast, baseUrl: server.url })),
        (c) => Effect.promise(() => c.close())
      )
      const result = yield* Effect.promise(async () => {
        const stopped = await refold.executions.stop(ID)
        const rerun = await refold.executions.rerun(ID)
        const page = await refold.executions.batches(ID, "n1")
        const all = []
        for await (const batch of refold.executions.iterateBatches(ID, "n1")) all.push(batch)
        const executed = await refold.workflows.execute("wf1", { slug: "hubspot", linkedAccountId: "acme" })
        return { stopped, rerun, page: page.docs.length, all: all.length, executed }
      })
      expect(result).toEqual({ stopped: { message: "Stopping instance" }, rerun: "n1", page: 2, all: 2, executed: { message: "Workflow execution started", execution_id: "e1" } })
      expect(server.requests.at(-1)!.headers.linked_account_id).toBe("acme")
      expect(Either.isRight(Either.right(0))).toBe(true)
    }))
})
