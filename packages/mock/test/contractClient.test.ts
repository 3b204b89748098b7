/**
 * The contract as a team uses it alone: a client derived from `RefoldApi` with `@effect/platform`'s
 * `HttpApiClient.make`, against the real mock over TCP. Every route answers something the client
 * decodes (its success, or the vendor's error body for each error status the mock really sends),
 * and every answer's status and headers are the ones `openapi.json` describes for its operation.
 */
import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { OpenApi, RefoldApi } from "@refold-effect/contract"
import type { Fixture } from "@refold-effect/fixtures"
import { Effect, Either } from "effect"
import { useMockServer } from "../src/vitest.js"

const user = "user_12345"
const headers = { linked_account_id: user }
const document = OpenApi.document()

/** What the mock answered: status and `x-request-id`, in order. */
const seen: Array<{ readonly status: number; readonly method: string; readonly path: string; readonly requestId: string | undefined }> = []

const server = useMockServer({ clock: { speed: 0 }, apiKeys: ["tk_contract"] })
const first = (test: (r: Fixture.Record) => boolean) => server.mock.store.executions(user).find(test)!

/** The derived client, its requests carrying `x-api-key` (and `extra` headers), recording each answer. */
const client = (extra: Record<string, string> = {}, apiKey = "tk_contract") =>
  HttpApiClient.make(RefoldApi.RefoldApi, {
    baseUrl: server.url,
    transformClient: (c) =>
      c.pipe(
        HttpClient.mapRequest(HttpClientRequest.setHeaders({ "x-api-key": apiKey, ...extra })),
        HttpClient.tap((response) =>
          Effect.sync(() =>
            seen.push({ status: response.status, method: response.request.method, path: new URL(response.request.url).pathname, requestId: response.headers["x-request-id"] })
          )
        )
      )
  }).pipe(Effect.provide(FetchHttpClient.layer))

/** The error an operation failed with, which must be the vendor's body of that status (not a decode failure). */
const vendorError = <A, E, R>(effect: Effect.Effect<A, E, R>, status: number) =>
  Effect.map(Effect.either(effect), (result) => {
    expect(Either.isLeft(result), `expected a ${status}`).toBe(true)
    const error = (result as Either.Left<E, A>).left as { status_code?: number; request_id?: string; _tag?: string }
    expect(error._tag, JSON.stringify(error)).toBeUndefined()
    expect(error.status_code).toBe(status)
    expect(error.request_id).toBe(seen.at(-1)!.requestId)
    return error
  })

/** The operation of `openapi.json` that `method path` reached. */
const operationOf = (method: string, path: string) => {
  for (const [template, item] of Object.entries(document.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`)
    const operation = (item as Record<string, { operationId: string; responses: Record<string, unknown> }>)[method.toLowerCase()]
    if (pattern.test(path) && operation !== undefined) return operation
  }
  throw new Error(`no operation for ${method} ${path}`)
}

describe("a client derived from RefoldApi with HttpApiClient.make, against the mock", () => {
  it.live("calls every route and decodes each answer, success or the vendor's error body", () =>
    Effect.gen(function*() {
      const api = yield* client()
      const page = yield* api.executions.listExecutions({ urlParams: { limit: 2, status: "ERRORED" }, headers })
      expect(page.docs.map((d) => d.status)).toEqual(["ERRORED", "ERRORED"])
      yield* vendorError(api.executions.listExecutions({ urlParams: {}, headers: {} }), 400)

      const done = first((r) => r.status === "COMPLETED")
      expect((yield* api.executions.getExecution({ path: { execution_id: done._id }, headers }))._id).toBe(done._id)
      yield* vendorError(api.executions.getExecution({ path: { execution_id: "000000000000000000000000" }, headers }), 404)

      const running = first((r) => r.status === "RUNNING")
      expect(yield* api.executions.stopExecution({ path: { execution_id: running._id }, headers })).toEqual({ message: "Stopping instance" })
      yield* vendorError(api.executions.stopExecution({ path: { execution_id: "000000000000000000000000" }, headers }), 404)

      const errored = first((r) => r.status === "ERRORED")
      expect(yield* api.executions.rerunExecution({ path: { execution_id: errored._id }, headers })).toMatchObject({ status: "success" })
      yield* vendorError(api.executions.rerunExecution({ path: { execution_id: done._id }, headers }), 409)

      const withBatch = first((r) => r.nodes.some((n) => n.is_batch))
      const batchNode = withBatch.nodes.find((n) => n.is_batch)!
      const batches = yield* api.executions.listExecutionNodeBatches({ path: { execution_id: withBatch._id, node_id: batchNode.node_id }, urlParams: { limit: 2 }, headers })
      expect(batches.limit).toBe(2)
      const plain = withBatch.nodes.find((n) => !n.is_batch)!
      yield* vendorError(api.executions.listExecutionNodeBatches({ path: { execution_id: withBatch._id, node_id: plain.node_id }, urlParams: {}, headers }), 501)

      const workflow = { path: { workflow_id: done.associated_workflow!._id! }, payload: { payload: { n: 1 } } }
      const started = yield* api.workflows.executeWorkflow({ ...workflow, headers: { ...headers, slug: done.associated_application!.slug! } })
      expect(started.execution_id).toMatch(/^[0-9a-f]{24}$/)
      const missingSlug = yield* vendorError(api.workflows.executeWorkflow({ ...workflow, headers: { ...headers, slug: "" } }), 400)
      expect(missingSlug).toMatchObject({ error: "Workflow ID and slug are required" })
      yield* vendorError(api.workflows.executeWorkflow({ ...workflow, headers: { ...headers, slug: "no-such-app" } }), 404)

      const hook = yield* api.webhooks.registerWebhook({ payload: { webhook_url: "http://127.0.0.1:9/hook", webhook_events: ["Workflow Completed"] } })
      expect((yield* api.webhooks.listWebhooks()).map((w) => w._id)).toEqual([hook._id])
      expect((yield* api.webhooks.getWebhookById({ path: { id: hook._id } })).webhook_url).toBe("http://127.0.0.1:9/hook")
      expect((yield* api.webhooks.updateWebhook({ path: { id: hook._id }, payload: { is_enabled: false } })).is_enabled).toBe(false)
      expect(yield* api.webhooks.deleteWebhook({ path: { id: hook._id } })).toEqual([])
      yield* vendorError(api.webhooks.getWebhookById({ path: { id: hook._id } }), 400)
      // A body over the webhook routes' bound is the 413 the execute route answers for its own.
      const huge = { webhook_url: "http://127.0.0.1:9/hook", webhook_events: ["Workflow Completed" as const], description: "x".repeat(70_000) }
      expect(yield* vendorError(api.webhooks.registerWebhook({ payload: huge }), 413)).toMatchObject({ error_code: "PAYLOAD_TOO_LARGE" })

      yield* vendorError((yield* client({}, "tk_not_this_one")).executions.listExecutions({ urlParams: {}, headers }), 401)
      yield* vendorError((yield* client({}, "tk_not_this_one")).webhooks.listWebhooks(), 401)
    }))

  // The mock's faults answer 500, 502 and 503 by default; a gateway answers 504.
  for (const status of [429, 500, 502, 503, 504]) {
    it.live(`decodes a ${status} as the vendor's error body, on every group`, () =>
      Effect.gen(function*() {
        const api = yield* client({ prefer: `code=${status}` })
        yield* vendorError(api.executions.listExecutions({ urlParams: {}, headers }), status)
        yield* vendorError(api.workflows.executeWorkflow({ path: { workflow_id: "x" }, headers: { ...headers, slug: "x" }, payload: {} }), status)
        yield* vendorError(api.webhooks.listWebhooks(), status)
      }))
  }

  it("saw only statuses openapi.json lists for the operation, each answer with the x-request-id it describes", () => {
    expect(seen.length).toBeGreaterThan(30)
    for (const { method, path, requestId, status } of seen) {
      const operation = operationOf(method, path)
      const response = operation.responses[String(status)] as { headers?: Record<string, unknown> } | undefined
      expect({ operation: operation.operationId, status, documented: response !== undefined }).toEqual({ operation: operation.operationId, status, documented: true })
      expect(Object.keys(response!.headers ?? {})).toContain("x-request-id")
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/)
    }
  })
})
