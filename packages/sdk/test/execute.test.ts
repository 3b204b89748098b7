/**
 * `workflows.execute`'s answer follows `sync`: without `sync: true` the new execution's
 * `execution_id` is always there (in the type, and checked on the wire); with it, the synchronous
 * result. Type assertions (checked by `tsc` in `pnpm typecheck`), then the mock and a server of our
 * own answering without the id.
 */
import { describe, expect, it } from "@effect/vitest"
import type { Execute } from "@refold-effect/contract"
import { Effect, Layer } from "effect"
import { expectTypeOf } from "vitest"
import { type RefoldError, RefoldAuth, RefoldConfig, Workflows } from "../src/index.js"
import { createRefoldClient, DecodeError, type RefoldClient } from "../src/promise.js"
import * as Faults from "./support/Faults.js"
import { API_KEY, clientLayer, fast } from "./support/layers.js"
import { start } from "./support/mock.js"
import { rejectionOf } from "./support/waits.js"

const ACCOUNT = "user_12345"

describe("the types of workflows.execute", () => {
  it("Workflows.execute: a required execution_id without sync: true, the synchronous result with it", () => {
    const _typesOf = (w: Workflows["Type"], flag: boolean) => ({
      started: w.execute("wf", { slug: "hubspot" }),
      notSync: w.execute("wf", { slug: "hubspot", sync: false }),
      sync: w.execute("wf", { slug: "hubspot", sync: true }),
      either: w.execute("wf", { slug: "hubspot", sync: flag })
    })
    type T = ReturnType<typeof _typesOf>
    expectTypeOf<T["started"]>().toEqualTypeOf<Effect.Effect<Execute.Started, RefoldError>>()
    expectTypeOf<T["notSync"]>().toEqualTypeOf<Effect.Effect<Execute.Started, RefoldError>>()
    expectTypeOf<Effect.Effect.Success<T["started"]>["execution_id"]>().toEqualTypeOf<string>()
    expectTypeOf<T["sync"]>().toEqualTypeOf<Effect.Effect<Execute.Result, RefoldError>>()
    expectTypeOf<Effect.Effect.Success<T["sync"]>["execution_id"]>().toEqualTypeOf<string | undefined>()
    expectTypeOf<Effect.Effect.Success<T["sync"]>>().toHaveProperty("return_value")
    expectTypeOf<T["either"]>().toEqualTypeOf<Effect.Effect<Execute.Result, RefoldError>>()
  })

  it("the Promise facade: the same", () => {
    const _typesOf = (refold: RefoldClient, flag: boolean) => ({
      started: refold.workflows.execute("wf", { slug: "hubspot", linkedAccountId: "acme" }),
      sync: refold.workflows.execute("wf", { slug: "hubspot", sync: true, timeout: 1000 }),
      either: refold.workflows.execute("wf", { slug: "hubspot", sync: flag })
    })
    type T = ReturnType<typeof _typesOf>
    expectTypeOf<T["started"]>().toEqualTypeOf<Promise<Execute.Started>>()
    expectTypeOf<Awaited<T["started"]>["execution_id"]>().toEqualTypeOf<string>()
    expectTypeOf<T["sync"]>().toEqualTypeOf<Promise<Execute.Result>>()
    expectTypeOf<Awaited<T["sync"]>["execution_id"]>().toEqualTypeOf<string | undefined>()
    expectTypeOf<T["either"]>().toEqualTypeOf<Promise<Execute.Result>>()
  })
})

describe("workflows.execute against the mock", () => {
  it.scopedLive("asynchronous: the id of the new execution; sync: true: the run's result once it ends on the clock", () =>
    Effect.gen(function*() {
      const mock = yield* start("tcp")
      const sample = mock.mock.store.get(ACCOUNT, mock.mock.store.executions(ACCOUNT).find((e) => e.associated_workflow !== undefined)!._id)!
      const workflow = String(sample.associated_workflow!._id)
      const slug = (sample.associated_application as { slug?: string }).slug!
      const workflows = yield* Effect.provide(Workflows, mock.sdk())
      const started = yield* workflows.execute(workflow, { slug })
      expect(started.execution_id).toMatch(/^[0-9a-f]{24}$/)
      expect(mock.mock.store.get(ACCOUNT, started.execution_id)?.status).toBe("RUNNING")
      // The synchronous answer comes when the run ends: end the new run, then move the clock past it.
      const before = new Set(mock.mock.store.executions(ACCOUNT).map((r) => r._id))
      const answered = yield* Effect.fork(workflows.execute(workflow, { slug, sync: true }))
      let run: { _id: string } | undefined
      while (run === undefined) {
        yield* Effect.sleep("5 millis")
        run = mock.mock.store.executions(ACCOUNT).find((r) => !before.has(r._id))
      }
      mock.mock.lifecycle.force(run._id, { status: "COMPLETED" })
      mock.mock.clock.advance(3_600_000)
      const result = yield* answered.await.pipe(Effect.flatten)
      expect(result).toMatchObject({ execution_id: run._id, errored: false, status_code: 200 })
    }))

  it.scopedLive("the Promise facade resolves with the id too", () =>
    Effect.gen(function*() {
      const mock = yield* start("tcp")
      const sample = mock.mock.store.executions(ACCOUNT).find((e) => e.associated_workflow !== undefined)!
      const detail = mock.mock.store.get(ACCOUNT, sample._id)!
      const refold = yield* Effect.acquireRelease(
        Effect.sync(() => createRefoldClient({ apiKey: API_KEY, linkedAccountId: ACCOUNT, ...fast, baseUrl: mock.url })),
        (c) => Effect.promise(() => c.close())
      )
      const started = yield* Effect.promise(() =>
        refold.workflows.execute(String(detail.associated_workflow!._id), { slug: (detail.associated_application as { slug?: string }).slug! })
      )
      expect(mock.mock.store.get(ACCOUNT, started.execution_id)?.status).toBe("RUNNING")
    }))
})

describe("an asynchronous answer without execution_id", () => {
  const layerAt = (url: string) =>
    Workflows.layer.pipe(
      Layer.provide([RefoldAuth.apiKey({ apiKey: API_KEY, linkedAccountId: ACCOUNT }), RefoldConfig.layer({ ...fast, baseUrl: url }), clientLayer("fetch")]),
      Layer.orDie
    )

  it.scopedLive("is a DecodeError naming the field (the type promises the id); with sync: true the result may lack it", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(
        Faults.json(200, { message: "Workflow execution started" }),
        Faults.json(200, { return_value: 1, errored: false })
      )
      const [missing, synced] = yield* Effect.flatMap(Workflows, (w) =>
        Effect.all([Effect.flip(w.execute("wf1", { slug: "hubspot" })), w.execute("wf1", { slug: "hubspot", sync: true })])
      ).pipe(Effect.provide(layerAt(server.url)))
      expect(missing).toBeInstanceOf(DecodeError)
      expect(missing.message).toContain("execution_id")
      expect(synced).toEqual({ return_value: 1, errored: false })
    }))

  it.scopedLive("the Promise facade rejects with the DecodeError", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.json(200, { message: "Workflow execution started" }))
      const refold = yield* Effect.acquireRelease(
        Effect.sync(() => createRefoldClient({ apiKey: API_KEY, linkedAccountId: ACCOUNT, ...fast, baseUrl: server.url })),
        (c) => Effect.promise(() => c.close())
      )
      const error = yield* Effect.promise(() => rejectionOf(refold.workflows.execute("wf1", { slug: "hubspot" })))
      expect(error).toBeInstanceOf(DecodeError)
    }))
})

describe("a payload that is not JSON", () => {
  // A BigInt or a cycle cannot be serialised: refused as the payload, before anything is sent,
  // rather than a defect (Effect) or a bare TypeError (Promise).
  it.scopedLive("is refused with InvalidArgument naming the payload, in both entry points", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.json(200, { message: "Workflow execution started", execution_id: "e1" }))
      const cycle: Record<string, unknown> = { a: 1 }
      cycle.self = cycle
      const layer = Workflows.layer.pipe(
        Layer.provide([RefoldAuth.apiKey({ apiKey: API_KEY, linkedAccountId: ACCOUNT }), RefoldConfig.layer({ ...fast, baseUrl: server.url }), clientLayer("fetch")]),
        Layer.orDie
      )
      for (const payload of [{ n: 1n }, cycle]) {
        const error = yield* Effect.flip(Effect.flatMap(Workflows, (w) => w.execute("wf1", { slug: "hubspot", payload })).pipe(Effect.provide(layer)))
        expect(error).toMatchObject({ _tag: "InvalidArgument", parameter: "payload" })
        expect(error.message).toMatch(/^payload must be serialisable as JSON: /)
      }
      const refold = yield* Effect.acquireRelease(
        Effect.sync(() => createRefoldClient({ ...fast, apiKey: API_KEY, linkedAccountId: ACCOUNT, baseUrl: server.url })),
        (client) => Effect.promise(() => client.close())
      )
      const rejected = yield* Effect.promise(() => rejectionOf(refold.workflows.execute("wf1", { slug: "hubspot", payload: { n: 1n } })))
      expect(rejected).toMatchObject({ _tag: "InvalidArgument", parameter: "payload" })
      expect(server.count()).toBe(0)
    }))
})
