/**
 * A real delivery, end to end: an execution ends on the mock's clock, and the mock over TCP signs
 * and posts a webhook to a receiver of our own on 127.0.0.1, which checks it with `Webhooks.verify`/`receive` exactly as a user's endpoint
 * would; the receiver first answers 500, and the mock retries until it gets its 200.
 */
import { describe, expect, it } from "@effect/vitest"
import { DataSet } from "@refold-effect/fixtures"
import { createMockApp, serve } from "@refold-effect/mock"
import { Webhooks as WebhooksPromise } from "@refold-effect/sdk/promise"
import { Effect } from "effect"
import { createServer, type IncomingMessage } from "node:http"
import type { AddressInfo } from "node:net"
import { Webhooks } from "../src/index.js"

const apiKey = "tk_test_receiver"

interface Delivery {
  readonly raw: Buffer
  readonly signature: string | undefined
  readonly headers: IncomingMessage["headers"]
  readonly answered: number
}

/** A user's receiver: the raw body as bytes, the signature header, and the scripted answer. */
const receiver = async (answers: ReadonlyArray<number>) => {
  const deliveries: Array<Delivery> = []
  let arrived: () => void = () => undefined
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      const answered = answers[Math.min(deliveries.length, answers.length - 1)]!
      deliveries.push({ raw: Buffer.concat(chunks), signature: request.headers["x-cobalt-signature"] as string | undefined, headers: request.headers, answered })
      response.writeHead(answered).end()
      arrived()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const waitFor = (n: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${deliveries.length} of ${n} deliveries arrived`)), 15_000)
      arrived = () => {
        if (deliveries.length >= n) {
          clearTimeout(timer)
          resolve()
        }
      }
      arrived()
    })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/refold`,
    deliveries,
    waitFor,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

describe("a webhook from the mock, verified by the SDK", () => {
  it("arrives signed when an execution ends on the mock's clock, verifies, and is retried after 500s until answered 200", async () => {
    const bundled = DataSet.bundled()
    const execution = bundled.executions.find((e) => e.status === "RUNNING" && e.environment === "test" && e.nodes.some((n) => n.node_status === "Ready"))!
    // That execution alone, on a manual clock: it ends, and retries fall due, when the test advances it.
    const mock = createMockApp({ data: { ...bundled, executions: [execution] }, clock: { speed: 0 } })
    const server = await serve(mock, { port: 0 })
    const hook = await receiver([500, 500, 200])
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) })
    const advance = async (ms: number) => expect((await post("/__admin/clock/advance", { ms })).status).toBe(200)
    const attempts = async () =>
      ((await (await fetch(`${server.url}/__admin/webhooks/deliveries`)).json()) as {
        deliveries: Array<{ attempt: number; status: number; outcome: string; retryInMs?: number }>
      }).deliveries
    const journaled = async (n: number) => {
      for (let i = 0; i < 500 && (await attempts()).length < n; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    }
    try {
      const registered = await post("/api/v2/public/webhook", { url: hook.url, events: ["Workflow Completed", "Workflow Errored"] }, { "x-api-key": apiKey })
      expect(registered.status).toBe(200)
      expect((await post(`/__admin/executions/${execution._id}/outcome`, { status: "ERRORED" })).status).toBe(200)

      await advance(3_600_000) // the execution errors on the way
      await hook.waitFor(1)
      await journaled(1)
      await advance(1000) // the first retry's backoff
      await hook.waitFor(2)
      await journaled(2)
      await advance(2000) // the second's
      await hook.waitFor(3)

      expect(hook.deliveries.map((d) => d.answered)).toEqual([500, 500, 200])
      for (const delivery of hook.deliveries) {
        expect(delivery.raw.equals(hook.deliveries[0]!.raw)).toBe(true)
        expect(await Effect.runPromise(Webhooks.verify(delivery.raw, delivery.signature, apiKey))).toBe(true)
        expect(await WebhooksPromise.verify(delivery.raw.toString("utf8"), delivery.signature, apiKey)).toBe(true)
        expect(await WebhooksPromise.verify(delivery.raw, delivery.signature, "tk_someone_else")).toBe(false)
      }
      const payload = await Effect.runPromise(Webhooks.receive(hook.deliveries[0]!.raw, hook.deliveries[0]!.signature, apiKey))
      expect(payload).toMatchObject({ event: "Workflow Errored", status: "ERRORED", instance_id: execution._id, linked_account_id: execution.linked_account_id })

      // The mock's journal over its admin API shows each attempt, and no secret.
      await journaled(3)
      const journal = await attempts()
      expect(journal.map((a) => [a.attempt, a.status, a.outcome, a.retryInMs])).toEqual([
        [3, 200, "delivered", undefined],
        [2, 500, "rejected", 2000],
        [1, 500, "rejected", 1000]
      ])
      expect(JSON.stringify(journal)).not.toContain(apiKey)
    } finally {
      mock.close()
      await hook.close()
      await server.close()
    }
  })

  it("a custom webhook arrives with its rendered body and headers, and its signature verifies over the bytes received", async () => {
    const bundled = DataSet.bundled()
    const execution = bundled.executions.find((e) => e.status === "COMPLETED" && e.environment === "test")!
    const mock = createMockApp({ data: { ...bundled, executions: [execution] }, clock: { speed: 0 } })
    const server = await serve(mock, { port: 0 })
    const hook = await receiver([200])
    try {
      const registered = await fetch(`${server.url}/api/v2/public/webhook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": apiKey },
        body: JSON.stringify({
          url: hook.url,
          events: ["Workflow Completed"],
          webhook_type: "custom",
          webhook_body: '{"text": "Run {{event.instance_id}} of {{event.workflow_name}}: {{event.status}} \u2713", "run": {{event}}}',
          webhook_headers: { "X-Downstream": "fire-workflow" }
        })
      })
      expect(registered.status).toBe(200)
      expect(mock.webhooks.deliver({ execution, from: "RUNNING" })).toBe(1)
      await hook.waitFor(1)
      const [delivery] = hook.deliveries
      const sent = JSON.parse(delivery!.raw.toString("utf8")) as { text: string; run: { instance_id: string } }
      expect(sent.text).toBe(`Run ${execution._id} of ${execution.associated_workflow?.name ?? execution.name}: COMPLETED \u2713`)
      expect(sent.run.instance_id).toBe(execution._id)
      expect(delivery!.headers["x-downstream"]).toBe("fire-workflow")
      expect(await Effect.runPromise(Webhooks.verify(delivery!.raw, delivery!.signature, apiKey))).toBe(true)
      expect(await WebhooksPromise.verify(delivery!.raw, delivery!.signature, "tk_someone_else")).toBe(false)
    } finally {
      mock.close()
      await hook.close()
      await server.close()
    }
  })
})
