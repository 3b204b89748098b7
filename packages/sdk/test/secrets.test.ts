/**
 * Every operation is a span annotated with the request id, and no secret reaches a span, a log
 * line, an error's message, `toString()`, `toJSON()` or inspection.
 */
import { describe, expect, it } from "@effect/vitest"
import { FetchHttpClient } from "@effect/platform"
import { Effect, Inspectable, Layer, Schedule, Stream } from "effect"
import { createHmac } from "node:crypto"
import { inspect } from "node:util"
import { Executions, RefoldAuth, RefoldConfig, Webhooks, Workflows } from "../src/index.js"
import * as Faults from "./support/Faults.js"
import { API_KEY, apiKeyAuth, clients, executionsAt } from "./support/layers.js"
import { start } from "./support/mock.js"
import * as Recorder from "./support/recorder.js"
import * as Samples from "./support/samples.js"

const ID = "65410cf6cdf931a12d7ab009"

const renderings = (value: unknown) => [String(value), JSON.stringify(value), inspect(value, { depth: 10 }), Inspectable.format(value)]

describe("tracing", () => {
  for (const client of clients) {
    it.scopedLive(`list, get, pages and stream are spans; get's span carries the request id of its answer (through ${client})`, () =>
      Effect.gen(function*() {
        const mock = yield* start("in-process")
        const recorder = Recorder.make()
        const error = yield* Effect.gen(function*() {
          const executions = yield* Executions
          yield* executions.list({ limit: 2 })
          yield* Stream.runDrain(executions.stream({ limit: 2, maxPages: 2 }))
          return yield* Effect.flip(executions.get("0123456789abcdef01234567"))
        }).pipe(Effect.provide(mock.executions(apiKeyAuth, { client })), recorder.run)
        const names = recorder.spans.map((s) => s.name)
        expect(names).toContain("Executions.list")
        expect(names).toContain("Executions.get")
        expect(names).toContain("Executions.stream")
        expect(names).toContain("Executions.pages")
        const get = recorder.spans.find((s) => s.name === "Executions.get")!
        expect(error._tag).toBe("NotFound")
        expect(get.attributes.get("refold.request_id")).toBe((error as { requestId?: string }).requestId)
        expect(get.attributes.get("refold.execution_id")).toBe("0123456789abcdef01234567")
        expect(get.attributes.get("refold.attempts")).toBe(1)
        // HTTP semantic attributes on the operation's span: method, URL (no secret in it), status.
        expect(get.attributes.get("http.request.method")).toBe("GET")
        expect(get.attributes.get("url.full")).toBe(`${mock.url}/api/v2/public/execution/0123456789abcdef01234567`)
        expect(get.attributes.get("http.response.status_code")).toBe(404)
        // The platform's HTTP spans are children of the operation's span.
        const http = recorder.spans.filter((s) => s.name === "http.client GET")
        const byId = new Map(recorder.spans.map((s) => [s.id, s.name]))
        expect(http.map((s) => byId.get(s.parent!))).toEqual(["Executions.list", "Executions.list", "Executions.list", "Executions.get"])
      }))
  }

  it.scopedLive("the request id of a successful answer comes from x-request-id", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(Faults.json(200, Samples.page(1, 10, 1), { "x-request-id": "req-ok-1" }))
      const recorder = Recorder.make()
      yield* Effect.flatMap(Executions, (e) => e.list()).pipe(Effect.provide(executionsAt(server.url)), recorder.run)
      expect(recorder.spans.find((s) => s.name === "Executions.list")!.attributes.get("refold.request_id")).toBe("req-ok-1")
    }))
})

describe("logs", () => {
  // Each attempt runs in a fiber of its own whose failure the operation handles: Effect logs a
  // root fiber's failure at debug level as "unhandled", which would show every NotFound, retried
  // 503 and reset as an unhandled error to whoever turns debug logging on to see the retries.
  for (const client of clients) {
    it.scopedLive(`at debug level: the retries, and no "unhandled error" for failures the SDK handles (through ${client})`, () =>
      Effect.gen(function*() {
        const server = yield* Faults.make()
        server.script(
          Faults.json(503, Samples.errorBody(503, "UNAVAILABLE", "Try later")),
          Faults.reset,
          Faults.json(200, Samples.page(1, 10, 2)),
          Faults.json(404, Samples.errorBody(404, "RESOURCE_NOT_FOUND", "Execution not found")),
          Faults.json(200, [])
        )
        const recorder = Recorder.make()
        const tags = yield* Effect.gen(function*() {
          const executions = yield* Executions
          yield* executions.list()
          return [(yield* Effect.flip(executions.get("abc")))._tag, (yield* Effect.flip(executions.get("abc")))._tag]
        }).pipe(Effect.provide(executionsAt(server.url, { client, retryDelay: "1 millis" })), recorder.run)
        expect(tags).toEqual(["NotFound", "DecodeError"])
        expect(recorder.logs.filter((l) => l.includes("retrying"))).toHaveLength(2)
        expect(recorder.logs.filter((l) => l.includes("unhandled"))).toEqual([])
      }))
  }

  it.scopedLive("with a retrySchedule, each retry is logged at debug level too, with the error's tag and the delay", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      server.script(
        Faults.json(503, Samples.errorBody(503, "UNAVAILABLE", "Try later")),
        Faults.reset,
        Faults.json(200, Samples.page(1, 10, 2))
      )
      const recorder = Recorder.make()
      const retrySchedule = Schedule.spaced("20 millis").pipe(Schedule.intersect(Schedule.recurs(5)))
      yield* Effect.flatMap(Executions, (e) => e.list()).pipe(Effect.provide(executionsAt(server.url, { retrySchedule })), recorder.run)
      const retries = recorder.logs.filter((l) => l.includes("retrying"))
      expect(retries).toHaveLength(2)
      expect(retries.map((l) => [l.startsWith("DEBUG"), /'refold\.error', '(\w+)'/.exec(l)?.[1], /'refold\.retry', (\d+)/.exec(l)?.[1]])).toEqual([
        [true, "ServerError", "1"],
        [true, "TransportError", "2"]
      ])
      // The wait the schedule chose (20 ms, less what elapsed since it decided).
      for (const line of retries) expect(Number(/'refold\.delay_ms', (\d+)/.exec(line)?.[1])).toBeGreaterThan(0)
      for (const line of retries) expect(Number(/'refold\.delay_ms', (\d+)/.exec(line)?.[1])).toBeLessThanOrEqual(20)
      // No retry is logged when the schedule (or the SDK's policy) ends the walk.
      const notFound = yield* Faults.make(Faults.json(404, Samples.errorBody(404, "RESOURCE_NOT_FOUND", "Execution not found")))
      const quiet = Recorder.make()
      yield* Effect.flip(Effect.flatMap(Executions, (e) => e.get("abc")).pipe(Effect.provide(executionsAt(notFound.url, { retrySchedule })), quiet.run))
      expect(quiet.logs.filter((l) => l.includes("retrying"))).toEqual([])
    }))
})

describe("secrets", () => {
  const TOKEN_PREFIX = "eyJ"

  for (const client of clients) {
    it.scopedLive(`API key and session token appear in no span, log line or error, through retries and failures (through ${client})`, () =>
      Effect.gen(function*() {
        const server = yield* Faults.make()
        const recorder = Recorder.make()
        const token = `${TOKEN_PREFIX}hbGciOiJIUzI1NiJ9.c2VjcmV0LXNlc3Npb24tdG9rZW4.c2lnbmF0dXJlLXNlY3JldA`
        const errors: Array<unknown> = []
        for (const auth of [apiKeyAuth, RefoldAuth.sessionToken(token)]) {
          server.script(
            Faults.json(503, Samples.errorBody(503, "UNAVAILABLE", "Try later")),
            Faults.reset,
            Faults.json(200, Samples.page(1, 10, 2)),
            Faults.text(401, "Unauthorized"),
            Faults.json(429, Samples.errorBody(429, "RATE_LIMITED", "Slow down"), { "retry-after": "999" }),
            Faults.json(200, { not: "a page" })
          )
          yield* Effect.gen(function*() {
            const executions = yield* Executions
            yield* executions.list()
            errors.push(yield* Effect.flip(executions.list()))
            errors.push(yield* Effect.flip(executions.get("abc")))
            errors.push(yield* Effect.flip(executions.list()))
          }).pipe(Effect.provide(executionsAt(server.url, { client }, auth)), recorder.run)
        }
        expect(errors.map((e) => (e as { _tag: string })._tag)).toEqual([
          "Unauthorized",
          "RateLimited",
          "DecodeError",
          "Unauthorized",
          "RateLimited",
          "DecodeError"
        ])
        // The credentials were sent...
        expect(server.requests.some((r) => r.headers["x-api-key"] === API_KEY)).toBe(true)
        expect(server.requests.some((r) => r.headers.authorization === `Bearer ${token}`)).toBe(true)
        // ...and recorded nowhere.
        const everything = [recorder.dump(), ...errors.flatMap(renderings)].join("\n")
        expect(recorder.logs.some((l) => l.includes("retrying"))).toBe(true)
        // The platform's spans record request headers by name, the secret ones redacted.
        expect(everything).toContain("x-api-key")
        expect(everything).not.toContain(API_KEY)
        expect(everything).not.toContain(token)
        expect(everything).not.toContain(token.split(".")[1])
      }))
  }
})

describe("secrets in the spans of every operation", () => {
  // The operations the tests above do not walk: control, workflows, watching, batches, another
  // account, and the webhook checks (keyed on the same API key), through a real Tracer.
  it.scopedLive("stop, rerun, execute, watch, waitFor, batches, batchStream, forAccount and Webhooks record no secret", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make()
      const batch = { docs: [{ batch_index: 1 }], totalDocs: 1, limit: 10, page: 1, totalPages: 1, pagingCounter: 1, hasPrevPage: false, hasNextPage: false, prevPage: null, nextPage: null }
      const done = Faults.json(200, { ...Samples.detail(ID), status: "COMPLETED" }, { "x-request-id": "req-span" })
      server.script(
        Faults.json(200, { message: "Stopping instance" }),
        Faults.json(200, { status: "success", id: "new-execution-id" }),
        Faults.json(200, { message: "Workflow execution started", execution_id: "e1" }),
        done,
        done,
        Faults.json(200, batch),
        Faults.json(200, batch),
        Faults.json(200, Samples.page(1, 10, 1))
      )
      const recorder = Recorder.make()
      const layer = Layer.merge(
        executionsAt(server.url),
        Workflows.layer.pipe(Layer.provide([apiKeyAuth, RefoldConfig.layer({ baseUrl: server.url }), FetchHttpClient.layer]), Layer.orDie)
      )
      const body = JSON.stringify({ linked_account_id: "acme", config_id: "cfg", event: "Workflow Completed", instance_id: ID, workflow_id: ID, workflow_name: "Sync", status: "COMPLETED" })
      yield* Effect.gen(function*() {
        const executions = yield* Executions
        yield* executions.stop(ID)
        yield* executions.rerun(ID)
        yield* Effect.flatMap(Workflows, (w) => w.execute(ID, { slug: "hubspot", instanceTag: "tag-1", configId: "cfg" }))
        yield* Stream.runDrain(executions.watch(ID))
        yield* executions.waitFor(ID)
        yield* executions.batches(ID, "node-1")
        yield* Stream.runDrain(executions.batchStream(ID, "node-1"))
        yield* executions.forAccount("acme").list()
        yield* Webhooks.receive(body, createHmac("sha256", API_KEY).update(body).digest("hex"), API_KEY)
        yield* Effect.flip(Webhooks.receive(body, "0".repeat(64), API_KEY))
      }).pipe(Effect.provide(layer), recorder.run)
      const names = new Set(recorder.spans.map((s) => s.name))
      for (
        const name of [
          "Executions.stop",
          "Executions.rerun",
          "Workflows.execute",
          "Executions.watch",
          "Executions.waitFor",
          "Executions.batches",
          "Executions.batchStream",
          "Executions.list",
          "Webhooks.receive"
        ]
      ) expect(names).toContain(name)
      expect(server.requests).toHaveLength(8)
      expect(server.requests.every((r) => r.headers["x-api-key"] === API_KEY)).toBe(true)
      const dump = recorder.dump()
      expect(dump).toContain("refold.execution_id")
      // The platform records the request headers by name (the secret ones redacted): the check is not vacuous.
      expect(dump).toContain("x-api-key")
      expect(dump).not.toContain(API_KEY)
      expect(dump).not.toContain(createHmac("sha256", API_KEY).update(body).digest("hex"))
    }))
})
