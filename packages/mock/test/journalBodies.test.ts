/**
 * The bodies the journal keeps: what execute, stop, rerun and the webhook routes read, shown in the
 * entry and matched by `bodyPatterns` (WireMock's `equalToJson`, `contains`, `matches`, ...), with
 * secrets redacted, long bodies cut and the whole bounded; over both transports and the admin API.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { it as effect } from "@effect/vitest"
import type { Fixture } from "@refold-effect/fixtures"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { createMockApp, Journal, RefoldMock } from "../src/index.js"
import { asAccount, kinds, useTransport } from "./support/http.js"

const user = "user_12345"
const headers = asAccount(user, "tk-bodies-key")
const json = { "content-type": "application/json" }

describe.each(kinds)("journaled bodies (%s)", (kind) => {
  const t = useTransport(kind, () => createMockApp({ clock: { speed: 0 } }))
  const template = () => t.mock.store.executions(user).find((r: Fixture.Record) => r.associated_workflow !== undefined)!
  const execute = (body: string) => {
    const r = template()
    return t.call(`/api/v2/public/workflow/${r.associated_workflow!._id!}/execute`, {
      method: "POST",
      headers: { ...headers, ...json, slug: r.associated_application!.slug! },
      body
    })
  }
  // Counted through the admin API (in-process: the admin API is not the contract's, which `t.call` checks).
  const count = async (pattern: unknown): Promise<number> => {
    const reply = await t.mock.fetch(new Request("http://mock/__admin/requests/count", { method: "POST", headers: json, body: JSON.stringify(pattern) }))
    const body = (await reply.json()) as { count: number }
    expect(reply.status, JSON.stringify(body)).toBe(200)
    return body.count
  }

  it("keeps the body a route read as sent, and none for a GET; bodyPatterns count them", async () => {
    t.mock.reset()
    const sent = '{"payload": {"email": "jane@example.com", "plan": "pro", "seats": 3}}'
    expect((await execute(sent)).status).toBe(200)
    expect((await t.call("/api/v2/public/execution?limit=1", { headers })).status).toBe(200)
    const [get, post] = t.mock.journal.requests()
    expect(post!.request.body).toBe(sent)
    expect(post!.request.bodyTruncated).toBeUndefined()
    expect(get!.request).not.toHaveProperty("body")
    const execute_ = { method: "POST", urlPathPattern: "/api/v2/public/workflow/.+/execute" }
    // Keys in any order, numbers as numbers: the JSON, not its spelling.
    expect(await count({ ...execute_, bodyPatterns: [{ equalToJson: { payload: { seats: 3, plan: "pro", email: "jane@example.com" } } }] })).toBe(1)
    expect(await count({ ...execute_, bodyPatterns: [{ equalToJson: { payload: { seats: "3", plan: "pro", email: "jane@example.com" } } }] })).toBe(0)
    expect(await count({ bodyPatterns: [{ contains: '"plan": "pro"' }, { matches: ".*jane@example\\.com.*" }] })).toBe(1)
    expect(await count({ bodyPatterns: [{ contains: "pro" }, { doesNotMatch: ".*jane.*" }] })).toBe(0)
    expect(await count({ method: "GET", bodyPatterns: [{ absent: true }] })).toBe(1)
    expect(t.mock.journal.count({ bodyPatterns: [{ equalToJson: JSON.parse(sent) }] })).toBe(1)
  })

  it("keeps stop's and a webhook registration's bodies, secrets redacted: a field named like one, and the key sent", async () => {
    t.mock.reset()
    const running = t.mock.store.executions(user).find((r) => r.status === "RUNNING")!
    expect((await t.call(`/api/v2/public/execution/${running._id}/stop`, { method: "POST", headers: { ...headers, ...json }, body: '{"reason":"test"}' })).status).toBe(200)
    const hook = {
      webhook_url: "http://127.0.0.1:9/hook",
      webhook_events: ["Workflow Completed"],
      webhook_headers: { Authorization: "Bearer receiver-secret-1", "x-trace": "visible" },
      description: "sent with tk-bodies-key"
    }
    const registered = await t.call("/api/v2/public/webhook", { method: "POST", headers: { ...headers, ...json }, body: JSON.stringify(hook) })
    expect(registered.status, registered.text).toBe(200)
    const [webhook, stop] = t.mock.journal.requests()
    expect(stop!.request.body).toBe('{"reason":"test"}')
    const body = webhook!.request.body!
    expect(body).not.toContain("receiver-secret-1")
    expect(body).not.toContain("tk-bodies-key")
    expect(body).toContain(Journal.REDACTED)
    expect(body).toContain('"x-trace":"visible"')
    // Matched as redacted: a pattern can check that a secret was sent, never its value.
    expect(await count({ bodyPatterns: [{ contains: "receiver-secret" }] })).toBe(0)
    expect(await count({ bodyPatterns: [{ contains: `"Authorization":"${Journal.REDACTED}"` }] })).toBe(1)
  })

  it("cuts a long body, marks it, and never matches it by its content", async () => {
    t.mock.reset()
    const long = JSON.stringify({ payload: { blob: "x".repeat(Journal.MAX_BODY_CHARS) } })
    expect((await execute(long)).status).toBe(200)
    const [entry] = t.mock.journal.requests()
    expect(entry!.request.body).toBe(long.slice(0, Journal.MAX_BODY_CHARS))
    expect(entry!.request.bodyTruncated).toBe(true)
    expect(await count({ bodyPatterns: [{ contains: "xxx" }] })).toBe(0)
  })
})

describe("the journal's bodies in all", () => {
  it(`hold at most ${Journal.BODIES_BUDGET} characters: the oldest bodies go first, their entries stay`, () => {
    const journal = Journal.make(1000)
    const text = "y".repeat(Journal.MAX_BODY_CHARS)
    const kept = Journal.BODIES_BUDGET / Journal.MAX_BODY_CHARS
    for (let i = 0; i < kept + 5; i++) journal.record(new Request(`http://mock/${i}`, { method: "POST" })).body(text)
    const entries = journal.requests()
    expect(entries).toHaveLength(kept + 5)
    expect(entries.filter((e) => e.request.body !== undefined)).toHaveLength(kept)
    expect(entries.slice(0, kept).every((e) => e.request.body === text)).toBe(true)
    expect(entries.slice(kept).map((e) => e.request.path)).toEqual(["/4", "/3", "/2", "/1", "/0"])
  })

  it("redact a secret field where it stands, however short or deep, keeping the body's spelling", () => {
    const journal = Journal.make(10)
    const keep = (text: string) => {
      journal.record(new Request("http://mock/x", { method: "POST" })).body(text)
      return journal.requests()[0]!.request.body!
    }
    // A short value is redacted in its field only: "abc" elsewhere is left as sent.
    expect(keep('{ "webhook_headers": { "X-Api-Key" :  "abc" }, "description": "abcdef" }')).toBe(
      `{ "webhook_headers": { "X-Api-Key" :  "${Journal.REDACTED}" }, "description": "abcdef" }`
    )
    // A long one wherever it appears.
    expect(keep('{"token":"long-secret-1","note":"sent long-secret-1"}')).toBe(`{"token":"${Journal.REDACTED}","note":"sent ${Journal.REDACTED}"}`)
    let deep = '{"password":"deep-secret-2"}'
    for (let i = 0; i < 200; i++) deep = `{"a":${deep}}`
    expect(keep(deep)).not.toContain("deep-secret-2")
    // Spelt otherwise than JSON would: the body is shown re-serialised, the secret redacted.
    expect(keep('{"\\u0073ecret": "spelt-secret-3", "n": 1}')).toBe(`{"secret":"${Journal.REDACTED}","n":1}`)
  })

  it("let go of a body once its entry is gone, or cleared", () => {
    const journal = Journal.make(2)
    for (let i = 0; i < 3; i++) journal.record(new Request(`http://mock/${i}`, { method: "POST" })).body(`{"n":${i}}`)
    expect(journal.requests().map((e) => e.request.body)).toEqual(['{"n":2}', '{"n":1}'])
    journal.clear()
    const late = journal.record(new Request("http://mock/late", { method: "POST" }))
    late.body('{"n":3}')
    expect(journal.requests().map((e) => e.request.body)).toEqual(['{"n":3}'])
    journal.clear()
    late.body('{"n":4}')
    expect(journal.requests()).toEqual([])
  })
})

describe("stubs", () => {
  it("refuse bodyPatterns: a stub answers before the body is read", async () => {
    const mock = createMockApp()
    const reply = await mock.fetch(
      new Request("http://mock/__admin/stubs", {
        method: "POST",
        headers: json,
        body: JSON.stringify({ request: { method: "POST", bodyPatterns: [{ contains: "x" }] }, response: { code: 503 } })
      })
    )
    expect(reply.status).toBe(400)
    expect(((await reply.json()) as { message: string }).message).toMatch(/bodyPatterns cannot select a stub, which answers before the body is read/)
  })
})

describe("RefoldMock.count with bodyPatterns", () => {
  effect.effect("checks the payload user code executed a workflow with, in an Effect test", () =>
    Effect.gen(function* () {
      const mock = yield* RefoldMock
      const template = mock.app.store.executions(user).find((r) => r.associated_workflow !== undefined)!
      // User code: executes a workflow for a customer through the application's HttpClient.
      const client = yield* HttpClient.HttpClient
      const request = HttpClientRequest.post(`${mock.baseUrl}/api/v2/public/workflow/${template.associated_workflow!._id}/execute`).pipe(
        HttpClientRequest.setHeaders({ ...headers, slug: template.associated_application!.slug! }),
        HttpClientRequest.bodyUnsafeJson({ payload: { customer: "c-42", items: [1, 2] } })
      )
      expect((yield* client.execute(request)).status).toBe(200)
      const executed = { method: "POST", urlPathPattern: "/api/v2/public/workflow/.+/execute" }
      expect(yield* RefoldMock.count({ ...executed, bodyPatterns: [{ equalToJson: { payload: { items: [1, 2], customer: "c-42" } } }] })).toBe(1)
      expect(yield* RefoldMock.count({ ...executed, bodyPatterns: [{ equalToJson: { payload: { items: [2, 1], customer: "c-42" } } }] })).toBe(0)
    }).pipe(Effect.provide(RefoldMock.layer())))
})
