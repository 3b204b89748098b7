/**
 * Webhooks in the mock, over real TCP: the subscription routes as the vendor documents them, and
 * deliveries to receivers of our own on 127.0.0.1 (signatures checked here with `node:crypto`,
 * as the vendor's guide does), with their retries, timeouts, filters and journal.
 */
import { Webhook } from "@refold-effect/contract"
import type { Fixture } from "@refold-effect/fixtures"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { it as effect } from "@effect/vitest"
import { Effect, Schema, TestClock } from "effect"
import { createHmac } from "node:crypto"
import { afterEach, describe, expect, it } from "vitest"
import { createMockApp, RefoldMock, serve, type MockApp, type MockServer, WebhookDeliveries } from "../src/index.js"
import * as Subscriptions from "../src/internal/Subscriptions.js"
import { accounts, objectId, record } from "./support/data.js"
import { receiver, type Receiver } from "./support/receiver.js"
import { runScript } from "./support/script.js"

const testKey = "tk_test_hooks"
const prodKey = "pk_live_hooks"
const hooks = "/api/v2/public/webhook"

const running = record({
  _id: objectId(1),
  status: "RUNNING",
  completion_percentage: 0,
  nodes: [{ node_id: "1", node_name: "Post message", node_type: "slack", node_status: "Ready", is_batch: false, attempts_made: 0, execution_time: 0 }]
})
const prodRunning = record({ _id: objectId(2), status: "RUNNING", environment: "production", linked_account_id: accounts.globex.linked_account_id })
const data: Fixture.DataSet = { accounts: Object.values(accounts), executions: [running, prodRunning] }

const decodeWebhook = Schema.decodeUnknownSync(Webhook.Webhook, { onExcessProperty: "error" })
const decodeWebhooks = Schema.decodeUnknownSync(Webhook.Webhooks, { onExcessProperty: "error" })
const decodePayload = Schema.decodeUnknownSync(Webhook.Payload, { onExcessProperty: "error" })

/** A clock that moves only when the test says: each scheduled task with its delay. */
const manualScheduler = () => {
  let now = Date.UTC(2026, 0, 1)
  const tasks: Array<{ at: number; delay: number; run: () => void }> = []
  const scheduler: WebhookDeliveries.Scheduler = {
    now: () => now,
    schedule: (delay, run) => {
      const task = { at: now + delay, delay, run }
      tasks.push(task)
      return () => tasks.splice(tasks.indexOf(task), 1)
    }
  }
  /** Moves the clock by `ms`, running what falls due; returns the delays of what ran. */
  const advance = (ms: number) => {
    now += ms
    const due = tasks.filter((t) => t.at <= now)
    for (const t of due) {
      tasks.splice(tasks.indexOf(t), 1)
      t.run()
    }
    return due.map((t) => t.delay)
  }
  return { scheduler, advance, tasks }
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

const start = async (options: Parameters<typeof createMockApp>[0] = {}): Promise<{ mock: MockApp; server: MockServer }> => {
  // A manual clock: the data set's running executions end only when a test says so.
  const mock = createMockApp({ data, clock: { speed: 0 }, ...options })
  const server = await serve(mock, { port: 0 })
  cleanups.push(async () => {
    mock.webhooks.reset()
    await server.close()
  })
  return { mock, server }
}

const open = async (answers: Parameters<typeof receiver>[0]): Promise<Receiver> => {
  const r = await receiver(answers)
  cleanups.push(r.close)
  return r
}

const call = async (server: MockServer, method: string, path: string, init: { key?: string | null; body?: unknown; headers?: Record<string, string> } = {}) => {
  const headers: Record<string, string> = { ...init.headers }
  if (init.key !== null) headers["x-api-key"] = init.key ?? testKey
  if (init.body !== undefined) headers["content-type"] = "application/json"
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(init.body === undefined ? {} : { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) })
  })
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> & Array<Record<string, unknown>> }
}

const completed = (execution: Fixture.Record, status = "COMPLETED"): WebhookDeliveries.Transition => ({
  execution: { ...execution, status: status as Fixture.Record["status"] },
  from: execution.status
})

const hmac = (body: Buffer | string, key: string) => createHmac("sha256", key).update(body).digest("hex")

describe("webhook routes", () => {
  it("register in either spelling, answer the canonical one, and list, get, update and delete per API key", async () => {
    const { server } = await start()
    const guide = await call(server, "POST", hooks, { body: { url: "https://example.com/a", events: ["Workflow Errored"] } })
    expect(guide.status).toBe(200)
    const a = decodeWebhook(guide.body)
    expect(a).toMatchObject({ webhook_url: "https://example.com/a", webhook_events: ["Workflow Errored"], is_enabled: true, method: "POST", environment: "test", webhook_type: "default", workflow_ids: [] })
    expect(guide.body).not.toHaveProperty("url")
    expect(a._id).toMatch(/^[0-9a-f]{24}$/)

    const spec = await call(server, "POST", hooks, { body: { webhook_url: "http://127.0.0.1:9/b", webhook_events: ["Workflow Completed", "Connection Expired"], is_enabled: false } })
    const b = decodeWebhook(spec.body)
    expect(decodeWebhooks((await call(server, "GET", hooks)).body).map((w) => w._id)).toEqual([a._id, b._id])
    expect((await call(server, "GET", `${hooks}/${b._id}`)).body).toEqual(spec.body)

    const updated = await call(server, "PUT", `${hooks}/${b._id}`, { body: { events: ["Workflow Completed"], is_enabled: true } })
    expect(decodeWebhook(updated.body)).toMatchObject({ _id: b._id, webhook_url: "http://127.0.0.1:9/b", webhook_events: ["Workflow Completed"], is_enabled: true })

    // Another key sees none of them, not even their existence; a production key is scoped to production.
    const other = await call(server, "GET", `${hooks}/${a._id}`, { key: prodKey })
    expect(other.status).toBe(400)
    expect(other.body).toMatchObject({ error_code: "RESOURCE_NOT_FOUND", message: "Webhook not found" })
    expect((await call(server, "GET", hooks, { key: prodKey })).body).toEqual([])
    expect((await call(server, "DELETE", `${hooks}/${a._id}`, { key: prodKey })).status).toBe(400)
    const created = await call(server, "POST", hooks, { key: prodKey, body: { url: "https://example.com/p", events: ["Workflow Completed"] } })
    expect(created.body["environment"]).toBe("production")

    const deleted = await call(server, "DELETE", `${hooks}/${a._id}`)
    expect(decodeWebhooks(deleted.body).map((w) => w._id)).toEqual([b._id])
    expect((await call(server, "GET", `${hooks}/${a._id}`)).status).toBe(400)
  })

  it("store an event or a workflow id named twice once, on register and on update, in either spelling", async () => {
    const { server } = await start()
    const twice = await call(server, "POST", hooks, {
      body: { webhook_url: "https://example.com/t", webhook_events: ["Workflow Completed", "Workflow Errored", "Workflow Completed"], workflow_ids: ["w1", "w1"] }
    })
    expect(twice.status).toBe(200)
    expect(twice.body).toMatchObject({ webhook_events: ["Workflow Completed", "Workflow Errored"], workflow_ids: ["w1"] })
    const id = twice.body["_id"] as string
    expect((await call(server, "GET", `${hooks}/${id}`)).body).toMatchObject({ webhook_events: ["Workflow Completed", "Workflow Errored"] })
    const updated = await call(server, "PUT", `${hooks}/${id}`, { body: { events: ["Workflow Errored", "Workflow Errored"], workflow_ids: ["w2", "w3", "w2"] } })
    expect(updated.body).toMatchObject({ webhook_events: ["Workflow Errored"], workflow_ids: ["w2", "w3"] })
    expect((await call(server, "GET", hooks)).body[0]).toMatchObject({ webhook_events: ["Workflow Errored"], workflow_ids: ["w2", "w3"] })
  })

  it("check an update's body before its id, as the batches route checks its query first: bad input is named whatever the id", async () => {
    const { server } = await start()
    const unknown = "000000000000000000000000"
    const bad = await call(server, "PUT", `${hooks}/${unknown}`, { body: { webhook_events: ["Workflow Finished"] } })
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ error_code: "INVALID_EVENT" })
    const notJson = await call(server, "PUT", `${hooks}/${unknown}`, { body: "{" })
    expect(notJson.body).toMatchObject({ error_code: "INVALID_REQUEST_BODY" })
    const valid = await call(server, "PUT", `${hooks}/${unknown}`, { body: { is_enabled: false } })
    expect(valid.body).toMatchObject({ error_code: "RESOURCE_NOT_FOUND", message: "Webhook not found" })
  })

  it("answer bad requests with a 400 naming what is wrong, and credentials with the vendor's 401", async () => {
    const { server } = await start({ apiKeys: [testKey, prodKey] })
    const cases: Array<[unknown, number, string, RegExp]> = [
      [
        { url: "https://example.com", events: ["Workflow Exploded"] },
        400,
        "INVALID_EVENT",
        /Invalid event\. Check events list in documentation\..*expected one of "Connection Created", .*"Workflow Errored", got "Workflow Exploded"/
      ],
      [{ url: "https://example.com", events: [] }, 400, "INVALID_REQUEST_BODY", /at least one event/],
      [{ url: "ftp://example.com", events: ["Workflow Errored"] }, 400, "INVALID_REQUEST_BODY", /url.*http:\/\/ or https:\/\//],
      [{ url: "https://a.example", webhook_url: "https://b.example", events: ["Workflow Errored"] }, 400, "INVALID_REQUEST_BODY", /webhook_url and url disagree/],
      [{ events: ["Workflow Errored"] }, 400, "INVALID_REQUEST_BODY", /webhook_url \(or url\) is required/],
      [{ url: "https://example.com", events: ["Workflow Errored"], method: "GET" }, 400, "INVALID_REQUEST_BODY", /method: expected one of "POST", "PUT", "PATCH", got "GET"$/],
      [{ url: "https://example.com", events: ["Workflow Errored"], webhook_type: "odd" }, 400, "INVALID_REQUEST_BODY", /webhook_type: expected one of "default", "slack", "custom", got "odd"$/],
      ["{not json", 400, "INVALID_REQUEST_BODY", /Invalid JSON body/],
      [[1, 2], 400, "INVALID_REQUEST_BODY", /expected a JSON object/],
      [{ url: "https://example.com", events: ["Workflow Errored"], description: "x".repeat(70_000) }, 413, "PAYLOAD_TOO_LARGE", /^Request body larger than 64 KiB \(65536 bytes\)$/]
    ]
    for (const [body, status, code, message] of cases) {
      const answer = await call(server, "POST", hooks, { body })
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(status)
      expect(answer.body["error_code"]).toBe(code)
      expect(String(answer.body["message"])).toMatch(message)
    }
    expect((await call(server, "GET", hooks, { key: null })).status).toBe(401)
    expect((await call(server, "GET", hooks, { key: "tk_unknown" })).body).toMatchObject({ status_code: 401, error_code: "SERVER_ERROR", message: "Invalid Credentials" })
    expect((await call(server, "GET", hooks, { key: null, headers: { authorization: "Bearer tok-acme" } })).status).toBe(401)
    const patch = await call(server, "PATCH", `${hooks}/abc`)
    expect(patch.status).toBe(405)
    expect(patch.headers.get("allow")).toBe("GET, HEAD, PUT, DELETE")
  })

  it("keep at most 100 webhooks per key", async () => {
    const { server } = await start()
    for (let i = 0; i < 100; i++) expect((await call(server, "POST", hooks, { body: { url: `https://example.com/${i}`, events: ["Workflow Errored"] } })).status).toBe(200)
    const refused = await call(server, "POST", hooks, { body: { url: "https://example.com/x", events: ["Workflow Errored"] } })
    expect(refused.status).toBe(400)
    expect(String(refused.body["message"])).toMatch(/At most 100 webhooks/)
  })

  it("keep at most 1,000 webhooks per app, across keys, so that fresh keys cannot grow the mock without bound; delete or reset makes room", async () => {
    const mock = createMockApp({ data, clock: { speed: 0 } })
    cleanups.push(async () => mock.close())
    const register = async (key: string, i: number) => {
      const response = await mock.fetch(new Request(`http://mock${hooks}`, { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body: JSON.stringify({ url: `https://example.com/${i}`, events: ["Workflow Errored"] }) }))
      return { status: response.status, body: (await response.json()) as Record<string, unknown> }
    }
    for (let i = 0; i < Subscriptions.maxTotal; i++) expect((await register(`tk_key_${Math.floor(i / Subscriptions.maxPerKey)}`, i)).status).toBe(200)
    const refused = await register("tk_fresh_key", 0)
    expect(refused.status).toBe(400)
    expect(String(refused.body["message"])).toMatch(/At most 1000 webhooks per mock/)
    const first = ((await (await mock.fetch(new Request(`http://mock${hooks}`, { headers: { "x-api-key": "tk_key_0" } }))).json()) as ReadonlyArray<{ _id: string }>)[0]!
    expect((await mock.fetch(new Request(`http://mock${hooks}/${first._id}`, { method: "DELETE", headers: { "x-api-key": "tk_key_0" } }))).status).toBe(200)
    expect((await register("tk_fresh_key", 1)).status).toBe(200)
    mock.reset()
    expect((await register("tk_fresh_key", 2)).status).toBe(200)
  })
})

describe("webhook deliveries", () => {
  it("POST the documented payload, signed with the registering key, to each subscriber that wants it", async () => {
    const { mock, server } = await start({ webhooks: { backoff: 10 } })
    const wanted = await open([200])
    const other = await open([200])
    const subscribe = (key: string, body: unknown) => call(server, "POST", hooks, { key, body })
    await subscribe(testKey, { url: wanted.url, events: ["Workflow Completed"] })
    await subscribe(testKey, { url: other.url, events: ["Workflow Errored"] }) // another event
    await subscribe(testKey, { url: other.url, events: ["Workflow Completed"], workflow_ids: ["000000000000000000000000"] }) // another workflow
    await subscribe(testKey, { url: other.url, events: ["Workflow Completed"], is_enabled: false }) // disabled
    await subscribe(prodKey, { url: other.url, events: ["Workflow Completed"] }) // another environment
    await subscribe("tk_second", { url: wanted.url, events: ["Workflow Completed"], workflow_ids: [running.associated_workflow!._id!] })

    expect(mock.webhooks.deliver(completed(running))).toBe(2)
    const got = await wanted.waitFor(2)
    await mock.webhooks.settled()
    expect(other.received).toHaveLength(0)
    for (const delivery of got) {
      expect(delivery.method).toBe("POST")
      expect(delivery.path).toBe("/hooks/refold")
      expect(delivery.headers["content-type"]).toBe("application/json")
      const payload = decodePayload(JSON.parse(delivery.body.toString("utf8")))
      expect(payload).toEqual({
        linked_account_id: running.linked_account_id,
        instance_id: running._id,
        workflow_id: running.associated_workflow!._id,
        config_id: running.config_id,
        event: "Workflow Completed",
        workflow_name: running.associated_workflow!.name,
        status: "COMPLETED",
        environment: "test"
      })
    }
    // Each is signed with its own subscription's key, over the raw bytes.
    const signatures = got.map((d) => d.headers["x-cobalt-signature"])
    expect(new Set(signatures)).toEqual(new Set([hmac(got[0]!.body, testKey), hmac(got[0]!.body, "tk_second")]))

    // Non-terminal transitions and a user's stop call for no event; TIMED_OUT is an error.
    expect(mock.webhooks.deliver(completed(running, "STOPPING"))).toBe(0)
    expect(mock.webhooks.deliver(completed(running, "STOPPED"))).toBe(0)
    await subscribe(testKey, { url: wanted.url, events: ["Workflow Errored"] })
    // `other` has had a `Workflow Errored` subscription all along.
    expect(mock.webhooks.deliver(completed(running, "TIMED_OUT"))).toBe(2)
    await other.waitFor(1)
    const [, , timedOut] = await wanted.waitFor(3)
    expect(JSON.parse(timedOut!.body.toString())).toMatchObject({ event: "Workflow Errored", status: "TIMED_OUT" })
  })

  it("retry anything but a 200 up to 3 times, after 1, 2 and 4 backoffs on the mock's clock", async () => {
    const clock = manualScheduler()
    const { mock, server } = await start({ webhooks: { scheduler: clock.scheduler } })
    const failing = await open([500, 201, 302, 500])
    await call(server, "POST", hooks, { body: { url: failing.url, events: ["Workflow Completed"] } })
    mock.webhooks.deliver(completed(running))
    await failing.waitFor(1)
    await until(() => clock.tasks.length === 1)
    expect(clock.advance(999)).toEqual([])
    expect(clock.advance(1)).toEqual([1000])
    await failing.waitFor(2)
    await until(() => clock.tasks.length === 1)
    expect(clock.advance(2000)).toEqual([2000])
    await failing.waitFor(3)
    await until(() => clock.tasks.length === 1)
    expect(clock.advance(4000)).toEqual([4000])
    await failing.waitFor(4)
    await mock.webhooks.settled()
    expect(clock.tasks).toHaveLength(0) // no fifth attempt
    expect(failing.received).toHaveLength(4)
    expect(new Set(failing.received.map((r) => r.body.toString()))).toHaveProperty("size", 1)

    const journal = mock.webhooks.attempts()
    expect(journal.map((a) => [a.attempt, a.status, a.outcome, a.retryInMs])).toEqual([
      [4, 500, "rejected", undefined],
      [3, 302, "rejected", 4000],
      [2, 201, "rejected", 2000],
      [1, 500, "rejected", 1000]
    ])
    expect(new Set(journal.map((a) => a.deliveryId))).toHaveProperty("size", 1)
    expect(journal[3]!.sentAt).toBe(Date.UTC(2026, 0, 1))
  })

  it("cost a hanging or refusing receiver only its own attempts, never the API's answers", async () => {
    const { mock, server } = await start({ webhooks: { backoff: 5, timeout: 1000, retries: 1, scheduler: WebhookDeliveries.realTime } })
    const hanging = await open(["hang"])
    const healthy = await open([200])
    const refused = await open([200])
    await refused.close()
    for (const url of [hanging.url, refused.url, healthy.url]) await call(server, "POST", hooks, { body: { url, events: ["Workflow Completed"] } })

    mock.webhooks.deliver(completed(running))
    // The API answers at once while the hanging receiver holds its attempt.
    const list = await call(server, "GET", "/api/v2/public/execution", { headers: { linked_account_id: running.linked_account_id } })
    expect(list.status).toBe(200)
    await healthy.waitFor(1)
    // ...and the healthy receiver got its delivery while the hanging one still holds its first attempt.
    await hanging.waitFor(1)
    expect(mock.webhooks.attempts().filter((a) => a.url === hanging.url)).toEqual([])
    await mock.webhooks.settled()

    const byUrl = (url: string) => mock.webhooks.attempts().filter((a) => a.url === url).map((a) => [a.attempt, a.outcome, a.status])
    expect(byUrl(hanging.url)).toEqual([[2, "timeout", null], [1, "timeout", null]])
    expect(byUrl(refused.url)).toEqual([[2, "unreachable", null], [1, "unreachable", null]])
    expect(byUrl(healthy.url)).toEqual([[1, "delivered", 200]])
    expect(mock.webhooks.attempts().find((a) => a.url === refused.url)!.error).toBe("ECONNREFUSED")
    expect(hanging.received).toHaveLength(2)
  })

  it("drop what exceeds the queue, journaled, instead of holding it without bound", async () => {
    const { mock, server } = await start({ webhooks: { concurrency: 1, queue: 2, retries: 0, timeout: 5_000 } })
    const slow = await open(["hang"])
    await call(server, "POST", hooks, { body: { url: slow.url, events: ["Workflow Completed"] } })
    for (let i = 0; i < 5; i++) mock.webhooks.deliver(completed(running))
    // One in flight, two waiting, two dropped.
    const dropped = mock.webhooks.attempts().filter((a) => a.outcome === "dropped")
    expect(dropped).toHaveLength(2)
    expect(dropped[0]!.error).toMatch(/more than 2 deliveries waiting/)
    expect(mock.webhooks.pending()).toBe(3)
    mock.webhooks.reset()
    expect(mock.webhooks.pending()).toBe(0)
  })

  // Over TCP a suite had to poll the delivery journal's `pending`: RefoldMock.deliveriesSettled was in-process only.
  it("settle over the admin API: POST /__admin/webhooks/settle answers once nothing is pending, else a 409 naming what remains", async () => {
    const clock = manualScheduler()
    const { mock, server } = await start({ webhooks: { scheduler: clock.scheduler } })
    const failing = await open([500, 200])
    await call(server, "POST", hooks, { body: { url: failing.url, events: ["Workflow Completed"] } })
    const settle = (body: unknown) => call(server, "POST", "/__admin/webhooks/settle", { key: null, body })
    expect(await settle({})).toMatchObject({ status: 200, body: { settled: true, pending: 0 } })
    mock.webhooks.deliver(completed(running))
    await failing.waitFor(1)
    // The retry waits for its backoff on the manual clock: the wait ends, bounded, saying so.
    const pending = await settle({ timeoutMs: 100 })
    expect(pending.status).toBe(409)
    expect(pending.body).toMatchObject({ error_code: "DELIVERIES_PENDING" })
    expect(pending.body["message"]).toBe(
      "Webhook deliveries not settled after 100 ms: 1 pending (queued, in flight or waiting for a retry; on a manual clock a retry waits for POST /__admin/clock/advance past its backoff)"
    )
    clock.advance(1000)
    expect(await settle({ timeoutMs: 5000 })).toMatchObject({ status: 200, body: { settled: true, pending: 0 } })
    expect(mock.webhooks.attempts().map((a) => a.outcome)).toEqual(["delivered", "rejected"])
    for (const [body, message] of [
      [{ timeoutMs: -1 }, 'Invalid settle "timeoutMs": expected a whole number of milliseconds from 0 to 600000, got -1'],
      [{ timeoutMs: "5000" }, 'Invalid settle "timeoutMs": expected a whole number of milliseconds from 0 to 600000, got "5000"'],
      [{ timeout: 5 }, 'Invalid settle: unknown field "timeout"; expected "timeoutMs"']
    ] as const) {
      expect(await settle(body)).toMatchObject({ status: 400, body: { error_code: "INVALID_ADMIN_REQUEST", message } })
    }
  })

  it("journal every attempt under /__admin/webhooks/deliveries with no secret, clearable and reset", async () => {
    const { mock, server } = await start({ adminToken: "admin-secret" })
    const ok = await open([200])
    await call(server, "POST", hooks, { body: { url: ok.url, events: ["Workflow Completed"] } })
    mock.webhooks.deliver(completed(running))
    await ok.waitFor(1)
    await mock.webhooks.settled()

    const admin = { authorization: "Bearer admin-secret" }
    const journal = await call(server, "GET", "/__admin/webhooks/deliveries", { key: null, headers: admin })
    expect(journal.status).toBe(200)
    const text = JSON.stringify(journal.body)
    expect(text).not.toContain(testKey)
    expect(text).not.toContain(ok.received[0]!.headers["x-cobalt-signature"])
    expect(journal.body).toMatchObject({
      deliveries: [{ attempt: 1, status: 200, outcome: "delivered", event: "Workflow Completed", instanceId: running._id, url: ok.url, headers: { "x-cobalt-signature": "[REDACTED]" } }],
      meta: { total: 1, pending: 0 }
    })
    expect((await call(server, "GET", "/__admin/webhooks/deliveries")).status).toBe(401)
    expect((await call(server, "GET", "/__admin/webhooks/deliveries?limit=x", { key: null, headers: admin })).status).toBe(400)
    expect((await call(server, "GET", "/__admin/webhooks/deliveries?limit=0", { key: null, headers: admin })).body).toMatchObject({ deliveries: [], meta: { total: 1 } })

    expect((await call(server, "DELETE", "/__admin/webhooks/deliveries", { key: null, headers: admin })).status).toBe(200)
    expect(mock.webhooks.attempts()).toEqual([])

    mock.webhooks.deliver(completed(running))
    await ok.waitFor(2)
    await mock.webhooks.settled()
    await call(server, "POST", "/__admin/reset", { key: null, headers: admin })
    expect(mock.webhooks.attempts()).toEqual([])
    expect((await call(server, "GET", hooks)).body).toEqual([]) // subscriptions are gone too
    expect(mock.webhooks.deliver(completed(running))).toBe(0)
  })
})

describe("the environment of a run a key starts", () => {
  it("is the key's: a tk key's webhooks get the runs it executes or reruns of production workflows, and a pk key's those of test workflows", async () => {
    // acme's runs are test ones, globex's production ones: each key starts runs of the other's.
    const stoppedProd = record({ _id: objectId(7), status: "STOPPED", environment: "production", linked_account_id: accounts.globex.linked_account_id })
    const { mock, server } = await start({ data: { accounts: data.accounts, executions: [running, prodRunning, stoppedProd] } })
    const testHook = await open([200])
    const prodHook = await open([200])
    await call(server, "POST", hooks, { key: testKey, body: { url: testHook.url, events: ["Workflow Completed"] } })
    await call(server, "POST", hooks, { key: prodKey, body: { url: prodHook.url, events: ["Workflow Completed"] } })
    const execute = async (key: string, account: string) =>
      (await call(server, "POST", `/api/v2/public/workflow/${running.associated_workflow!._id}/execute`, { key, headers: { linked_account_id: account, slug: "slack" }, body: {} })).body["execution_id"] as string
    const byTest = await execute(testKey, accounts.globex.linked_account_id)
    const rerun = (await call(server, "POST", `/api/v2/public/execution/${stoppedProd._id}/rerun`, { headers: { linked_account_id: accounts.globex.linked_account_id } })).body["id"] as string
    const byProd = await execute(prodKey, accounts.acme.linked_account_id)
    for (const id of [byTest, rerun, byProd]) mock.lifecycle.force(id, { status: "COMPLETED" })
    mock.clock.advance(120_000)
    await mock.webhooks.settled()
    const instances = (hook: Receiver) => hook.received.map((d) => (JSON.parse(d.body.toString("utf8")) as { instance_id: string }).instance_id)
    expect(instances(testHook)).toEqual(expect.arrayContaining([byTest, rerun]))
    expect(instances(testHook)).not.toContain(byProd)
    expect(instances(prodHook)).toContain(byProd)
    expect(instances(prodHook)).not.toContain(byTest)
    expect(mock.store.find(byTest)!.environment).toBe("test")
    expect(mock.store.find(byProd)!.environment).toBe("production")
  })

  it("is a session token's claim", async () => {
    // initech's claim is test (its account names no environment), its workflow's runs production ones.
    const prodRun = record({ _id: objectId(8), environment: "production", linked_account_id: accounts.initech.linked_account_id })
    const { mock, server } = await start({ data: { accounts: data.accounts, executions: [prodRun] } })
    const token = mock.mintSessionToken(accounts.initech.linked_account_id)
    const execute = await call(server, "POST", `/api/v2/public/workflow/${prodRun.associated_workflow!._id}/execute`, { key: null, headers: { authorization: `Bearer ${token}`, slug: "slack" }, body: {} })
    expect(mock.store.find(execute.body["execution_id"] as string)!.environment).toBe("test")
  })
})

/** Waits (in real time, briefly) until `condition` holds: for work the engine does on later turns. */
const until = async (condition: () => boolean, ms = 5_000) => {
  const deadline = performance.now() + ms
  while (!condition()) {
    if (performance.now() > deadline) throw new Error("condition not met in time")
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** A data set with nothing running: only the test's own `deliver` sends webhooks. */
const finished: Fixture.DataSet = { accounts: data.accounts, executions: [record({ _id: objectId(3) })] }

describe("custom webhooks", () => {
  /** A run that ended with a Response node, whose output `{{workflow_response}}` reaches. */
  const responding = record({
    _id: objectId(4),
    status: "COMPLETED",
    nodes: [
      { node_id: "1", node_name: "Start", node_type: "start", node_status: "Success", is_batch: false, attempts_made: 1, execution_time: 1 },
      { node_id: "2", node_name: "Reply", node_type: "response", node_status: "Success", is_batch: false, attempts_made: 1, execution_time: 1, latest_output: { order: { id: "ord_1", total: 42 } } }
    ]
  })

  it("send the rendered body and the custom headers, signed over the bytes sent, and journal them with the signature redacted", async () => {
    const { mock, server } = await start({ adminToken: "admin-secret" })
    const custom = await open([200])
    const typed = await open([200])
    const plain = await open([200])
    const template = '{"run": "{{event.instance_id}}", "event": {{event}}, "total": {{workflow_response.order.total}}, "name": "{{ event.workflow_name }}", "keep": "{{receiver.field}}", "gone": "{{event.nope}}"}'
    const created = await call(server, "POST", hooks, {
      body: { url: custom.url, events: ["Workflow Completed"], webhook_body: template, webhook_headers: { "X-Team": "billing", Authorization: "Bearer downstream-token" } }
    })
    expect(created.status, JSON.stringify(created.body)).toBe(200)
    expect(created.body).toMatchObject({ webhook_type: "custom", webhook_body: template, webhook_headers: { "X-Team": "billing" } })
    // A JSON template, a content type of its own; a custom type with no body sends the payload.
    await call(server, "POST", hooks, {
      body: { url: typed.url, events: ["Workflow Completed"], webhook_type: "custom", webhook_body: { id: "{{event.instance_id}}", response: "{{workflow_response}}" }, webhook_headers: { "Content-Type": "application/vnd.acme+json", "X-Cobalt-Signature-Note": "mine" } }
    })
    // A default webhook's body and headers are not applied (the vendor honours them for custom ones only).
    await call(server, "POST", hooks, { body: { url: plain.url, events: ["Workflow Completed"], webhook_type: "default", webhook_body: "{{event.status}}", webhook_headers: { "x-team": "none" } } })

    expect(mock.webhooks.deliver({ execution: responding, from: "RUNNING" })).toBe(3)
    const [got] = await custom.waitFor(1)
    const [gotTyped] = await typed.waitFor(1)
    const [gotPlain] = await plain.waitFor(1)
    await mock.webhooks.settled()
    const payload = WebhookDeliveries.payloadOf(responding, "Workflow Completed")

    expect(got!.body.toString("utf8")).toBe(
      `{"run": "${responding._id}", "event": ${JSON.stringify(payload)}, "total": 42, "name": "${payload.workflow_name}", "keep": "{{receiver.field}}", "gone": ""}`
    )
    expect(got!.headers["x-team"]).toBe("billing")
    expect(got!.headers["authorization"]).toBe("Bearer downstream-token")
    expect(got!.headers["content-type"]).toBe("application/json")
    expect(got!.headers["x-cobalt-signature"]).toBe(hmac(got!.body, testKey))

    expect(JSON.parse(gotTyped!.body.toString("utf8"))).toEqual({ id: responding._id, response: { order: { id: "ord_1", total: 42 } } })
    expect(gotTyped!.headers["content-type"]).toBe("application/vnd.acme+json")
    expect(gotTyped!.headers["x-cobalt-signature-note"]).toBe("mine")
    expect(gotTyped!.headers["x-cobalt-signature"]).toBe(hmac(gotTyped!.body, testKey))

    expect(JSON.parse(gotPlain!.body.toString("utf8"))).toEqual(payload)
    expect(gotPlain!.headers["x-team"]).toBeUndefined()

    // The journal shows what was sent, the signature and the secret-looking header redacted.
    const journal = await call(server, "GET", "/__admin/webhooks/deliveries", { key: null, headers: { authorization: "Bearer admin-secret" } })
    const entry = (journal.body["deliveries"] as unknown as Array<Record<string, unknown>>).find((d) => d["url"] === custom.url)!
    expect(entry["body"]).toBe(got!.body.toString("utf8"))
    expect(entry["headers"]).toEqual({ "content-type": "application/json", "user-agent": "refold-mock", "x-team": "billing", authorization: "[REDACTED]", "x-cobalt-signature": "[REDACTED]" })
    expect(entry["payload"]).toEqual(payload)
    expect(JSON.stringify(journal.body)).not.toContain(got!.headers["x-cobalt-signature"])

    // A custom webhook's body can be changed: its next delivery renders the new one.
    await call(server, "PUT", `${hooks}/${String(created.body["_id"])}`, { body: { webhook_body: "{{event.status}}" } })
    mock.webhooks.deliver({ execution: responding, from: "RUNNING" })
    const [, second] = await custom.waitFor(2)
    expect(second!.body.toString("utf8")).toBe('"COMPLETED"')
    expect(second!.headers["x-cobalt-signature"]).toBe(hmac('"COMPLETED"', testKey))
  })

  it("journal no API key even where a custom body or header wrote it", async () => {
    const { mock, server } = await start()
    const hook = await open([200])
    await call(server, "POST", hooks, { body: { url: `${hook.url}?key=${testKey}`, events: ["Workflow Completed"], webhook_body: `key=${testKey};run={{event.instance_id}}`, webhook_headers: { "X-Forward": testKey } } })
    mock.webhooks.deliver(completed(running))
    const [got] = await hook.waitFor(1)
    await mock.webhooks.settled()
    expect(got!.body.toString("utf8")).toBe(`key=${testKey};run=${running._id}`)
    expect(got!.headers["x-forward"]).toBe(testKey)
    const [attempt] = mock.webhooks.attempts()
    expect(attempt!.body).toBe(`key=[REDACTED];run=${running._id}`)
    expect(attempt!.headers["x-forward"]).toBe("[REDACTED]")
    // The receiver gets the URL as registered; the journal shows it redacted.
    expect(got!.path).toBe(`/hooks/refold?key=${testKey}`)
    expect(attempt!.url).toBe(`${hook.url}?key=%5BREDACTED%5D`)
    expect(JSON.stringify(attempt)).not.toContain(testKey)
  })

  it("refuse headers that cannot be sent with a 400 naming the header, on register and update", async () => {
    const { server } = await start()
    const ok = await call(server, "POST", hooks, { body: { url: "https://example.com/h", events: ["Workflow Completed"], webhook_type: "custom", webhook_headers: { "X-Ok": "fine" } } })
    expect(ok.status).toBe(200)
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ "Bad Name": "x" }, /webhook_headers: "Bad Name" is not a valid HTTP header name/],
      [{ "x-é": "x" }, /"x-é" is not a valid HTTP header name/],
      [{ "": "x" }, /"" is not a valid HTTP header name/],
      [{ "X-Cobalt-Signature": "forged" }, /"X-Cobalt-Signature" cannot be set: the mock signs each delivery in it/],
      [{ "Content-Length": "1" }, /"Content-Length" cannot be set: the HTTP client sets it/],
      [{ Host: "elsewhere.example" }, /"Host" cannot be set/],
      [{ "X-A": "1", "x-a": "2" }, /"x-a" is given twice/],
      [{ "X-Split": "a\r\nX-Injected: b" }, /the value of "X-Split" has a character HTTP cannot carry \(code 13 at 1\)/],
      [{ "X-Nul": "a\u0000" }, /the value of "X-Nul" has a character HTTP cannot carry/],
      [{ "X-Wide": "€" }, /the value of "X-Wide" has a character HTTP cannot carry \(code 8364 at 0\)/],
      [{ "X-Number": 1 } as unknown as Record<string, string>, /webhook_headers\.X-Number: Expected string/]
    ]
    for (const [headers, message] of cases) {
      for (const [method, path] of [["POST", hooks], ["PUT", `${hooks}/${String(ok.body["_id"])}`]] as const) {
        const answer = await call(server, method, path, { body: { url: "https://example.com/h", events: ["Workflow Completed"], webhook_type: "custom", webhook_headers: headers } })
        expect(answer.status, `${method} ${JSON.stringify(headers)}`).toBe(400)
        expect(answer.body["error_code"]).toBe("INVALID_REQUEST_BODY")
        expect(String(answer.body["message"])).toMatch(message)
      }
    }
    expect((await call(server, "GET", `${hooks}/${String(ok.body["_id"])}`)).body["webhook_headers"]).toEqual({ "X-Ok": "fine" })
    const deep = await call(server, "POST", hooks, { body: `{"url": "https://example.com/h", "events": ["Workflow Completed"], "webhook_body": ${"[".repeat(20_000)}${"]".repeat(20_000)}}` })
    expect(deep.status).toBe(400)
    expect(String(deep.body["message"])).toMatch(/nested deeper than 32 levels/)
  })

  it("deliver hostile templates rendered in one pass, and journal a body that renders too long as dropped", async () => {
    const { mock, server } = await start()
    const hook = await open([200])
    const filler = 60 * 1024
    const hostile = [
      "{{".repeat(filler / 2),
      "{{{{".repeat(filler / 8) + "}}".repeat(filler / 4),
      `{{event${".instance_id".repeat(filler / 12)}}}`,
      `{{event${".a".repeat(filler / 2)}}}`
    ]
    for (const webhook_body of hostile) {
      const created = await call(server, "POST", hooks, { body: { url: hook.url, events: ["Workflow Completed"], webhook_body } })
      expect(created.status, String(created.body["message"])).toBe(200)
    }
    // 64 KiB of template repeating the payload: far more than a body may be.
    await call(server, "POST", hooks, { body: { url: hook.url, events: ["Workflow Completed"], webhook_body: "{{event}}".repeat(filler / 9) } })
    expect(mock.webhooks.deliver(completed(running))).toBe(hostile.length + 1)
    const got = await hook.waitFor(hostile.length)
    await mock.webhooks.settled()
    expect(got.map((d) => d.body.toString("utf8")).sort()).toEqual([hostile[0], hostile[1], "", ""].sort())
    const dropped = mock.webhooks.attempts().filter((a) => a.outcome === "dropped")
    expect(dropped).toHaveLength(1)
    expect(dropped[0]!.error).toBe("rendered body longer than 65536 characters")
    expect(hook.received).toHaveLength(hostile.length)
  })
})

describe("webhooks and the lifecycle", () => {
  it("deliver when an execution ends on the mock's clock, and retry on it", async () => {
    const { mock, server } = await start()
    const hook = await open([500, 200])
    await call(server, "POST", hooks, { body: { url: hook.url, events: ["Workflow Errored"] } })
    const admin = (path: string, body: unknown) => call(server, "POST", `/__admin/${path}`, { key: null, body })
    const forced = await admin(`executions/${running._id}/outcome`, { status: "ERRORED" })
    expect(forced.status, JSON.stringify(forced.body)).toBe(200)
    // Nothing is sent before the clock says the execution ended.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(hook.received).toHaveLength(0)

    const afterHour = (await admin("clock/advance", { ms: 3_600_000 })).body["nowMs"] as number
    const [first] = await hook.waitFor(1)
    expect(JSON.parse(first!.body.toString())).toMatchObject({ event: "Workflow Errored", status: "ERRORED", instance_id: running._id })
    expect(first!.headers["x-cobalt-signature"]).toBe(hmac(first!.body, testKey))
    const ended = (await call(server, "GET", `/api/v2/public/execution/${running._id}`, { headers: { linked_account_id: running.linked_account_id } })).body
    expect(ended["status"]).toBe("ERRORED")

    // The 500's retry waits for the clock: 1 s of it.
    await until(() => mock.webhooks.attempts().length === 1)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(hook.received).toHaveLength(1)
    await admin("clock/advance", { ms: 999 })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(hook.received).toHaveLength(1)
    await admin("clock/advance", { ms: 1 })
    await hook.waitFor(2)
    await mock.webhooks.settled()
    // The first attempt went when the run ended, within the advance, as TestClock.adjust would run
    // it; its answer came after the advance, and the retry a backoff after that.
    expect(mock.webhooks.attempts().map((a) => [a.attempt, a.status, a.sentAt])).toEqual([[2, 200, afterHour + 1000], [1, 500, Date.parse(ended["completion_time"] as string)]])
    expect(Date.parse(ended["completion_time"] as string)).toBeLessThan(afterHour - 3_000_000)
  })
})

describe("webhooks in RefoldMock.layer", () => {
  effect.effect("retry on the test's Clock: TestClock.adjust brings the next attempt, RefoldMock.deliveries shows each", () =>
    Effect.gen(function*() {
      const hook = yield* Effect.acquireRelease(Effect.promise(() => receiver([500, 200])), (r) => Effect.promise(r.close))
      const client = yield* HttpClient.HttpClient
      const created = yield* client.execute(
        HttpClientRequest.post(hooks).pipe(
          HttpClientRequest.prependUrl("http://mock"),
          HttpClientRequest.setHeader("x-api-key", testKey),
          HttpClientRequest.bodyUnsafeJson({ url: hook.url, events: ["Workflow Completed"] })
        )
      )
      expect(created.status).toBe(200)
      expect(yield* RefoldMock.deliver(completed(running))).toBe(1)
      yield* Effect.promise(() => hook.waitFor(1))
      yield* waitUntil(Effect.map(RefoldMock.deliveries, (d) => d.length === 1))
      // Real time passes, the test's clock does not: no retry yet.
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 50)))
      expect(hook.received).toHaveLength(1)
      yield* TestClock.adjust("1 second")
      yield* Effect.promise(() => hook.waitFor(2))
      yield* RefoldMock.deliveriesSettled
      const deliveries = yield* RefoldMock.deliveries
      // Times on the mock's clock: Effect's plus the offset to the data set's now (see RefoldMock).
      const first = deliveries[1]!.sentAt
      expect(deliveries.map((d) => [d.attempt, d.status, d.sentAt - first])).toEqual([[2, 200, 1000], [1, 500, 0]])
    }).pipe(Effect.provide(RefoldMock.layer({ fixtures: finished })), Effect.scoped))
})

/** Polls an effect (in real time) until it holds. */
const waitUntil = (check: Effect.Effect<boolean, never, RefoldMock>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 1000; i++) {
      if (yield* check) return
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
    }
    throw new Error("condition not met in time")
  })

describe("waiting for deliveries in a script of its own (in-process)", () => {
  // Between two attempts only the backoff's timer is left, and the clock's timers never keep a
  // process alive: the wait itself must, or Node exits (code 13) before the deliveries settle.
  it("keeps the process alive until every attempt is made", async () => {
    const run = await runScript(`
      import { createMockApp } from "@refold-effect/mock"
      import { DataSet } from "@refold-effect/fixtures"
      // Only finished executions: a running one ending meanwhile (100 times faster than real time)
      // would be delivered too, and counted.
      const bundled = DataSet.bundled()
      const data = { ...bundled, executions: bundled.executions.filter((r) => r.status !== "RUNNING" && r.status !== "STOPPING") }
      const mock = createMockApp({ data, clock: { speed: 100 } })
      const headers = { "x-api-key": "tk_test", "content-type": "application/json" }
      await mock.fetch(new Request("http://mock${hooks}", { method: "POST", headers, body: JSON.stringify({ url: "http://127.0.0.1:1/refused", events: ["Workflow Completed"] }) }))
      const execution = mock.store.executions().find((r) => r.status === "COMPLETED" && r.environment === "test")
      mock.webhooks.deliver({ execution, from: "RUNNING" })
      await mock.webhooks.settled()
      console.log("attempts", mock.webhooks.attempts().length)
      mock.close()`)
    expect(run).toEqual({ code: 0, output: "attempts 4\n" })
  }, 120_000)
})
