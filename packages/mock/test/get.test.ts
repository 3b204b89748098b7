import { describe, expect, it } from "vitest"
import { createMockApp } from "../src/index.js"
import { accounts, frozen, record, seedListExecution, small } from "./support/data.js"
import { asAccount, kinds, useTransport } from "./support/http.js"

const data = small(30)
const acme = asAccount(accounts.acme.linked_account_id)
const globex = asAccount(accounts.globex.linked_account_id)
const path = (id: string) => `/api/v2/public/execution/${id}`
const globexExecution = data.executions.find((r) => r.linked_account_id === accounts.globex.linked_account_id)!

describe.each(kinds)("GET /api/v2/public/execution/:execution_id (%s)", (kind) => {
  const t = useTransport(kind, () => createMockApp({ data, ...frozen }))

  it("returns the whole record, nodes included, minus the fixture-only execution_source", async () => {
    const reply = await t.call(path(seedListExecution._id), { headers: acme })
    expect(reply.status).toBe(200)
    const { execution_source: _, ...expected } = seedListExecution
    expect(reply.body).toEqual(expected)
    expect(Object.keys(reply.body as object)).toEqual(Object.keys(expected))
  })

  it("finds an id whatever the case of its hex digits, as a MongoDB ObjectId cast does", async () => {
    const reply = await t.call(path(seedListExecution._id.toUpperCase()), { headers: acme })
    expect((reply.body as { _id: string })._id).toBe(seedListExecution._id)
  })

  it("answers the documented 404 for an unknown id, a malformed one, and another account's, alike", async () => {
    const replies = await Promise.all([
      t.call(path("65410cf6cdf931a12d7ab000"), { headers: acme }),
      t.call(path("not-an-id"), { headers: acme }),
      t.call(path(encodeURIComponent("a/b%zz\u00e9")), { headers: acme }),
      t.call(path(globexExecution._id), { headers: acme })
    ])
    const ids = new Set<string>()
    for (const reply of replies) {
      expect(reply.status).toBe(404)
      const { request_id, ...rest } = reply.body as { request_id: string }
      expect(rest).toEqual({ status_code: 404, http_error_type: "NOT_FOUND", error_code: "RESOURCE_NOT_FOUND", message: "Execution not found" })
      ids.add(request_id)
    }
    expect(ids.size).toBe(replies.length)
    const own = await t.call(path(globexExecution._id), { headers: globex })
    expect(own.status).toBe(200)
  })

  it("never lets an account's list show another's executions", async () => {
    const reply = await t.call("/api/v2/public/execution?limit=1000", { headers: acme })
    const docs = (reply.body as { docs: Array<{ linked_account_id: string }> }).docs
    expect(docs.length).toBe(data.executions.filter((r) => r.linked_account_id === accounts.acme.linked_account_id).length)
    expect(docs.every((d) => d.linked_account_id === accounts.acme.linked_account_id)).toBe(true)
  })

  it("answers HEAD like GET without a body", async () => {
    const reply = await t.call(path(seedListExecution._id), { headers: acme, method: "HEAD" })
    expect(reply.status).toBe(200)
    const missing = await t.call(path("65410cf6cdf931a12d7ab000"), { headers: acme, method: "HEAD" })
    expect(missing.status).toBe(404)
  })
})

describe("detail serialisation", () => {
  it("keeps a record's unknown-valued outputs as they are", async () => {
    const odd = record({
      _id: "6a314c54d4616e99e7fa5a02",
      nodes: [
        {
          node_id: "1", node_name: "Start", node_type: "start", node_status: "Success", is_batch: false, attempts_made: 1,
          maximum_attempts: 3, execution_time: 1, input_data: { "quote\"d": ["\u2028", null, 1.5] }, latest_output: "plain string"
        }
      ]
    })
    const mock = createMockApp({ data: { accounts: Object.values(accounts), executions: [odd] }, ...frozen })
    const response = await mock.fetch(new Request(`http://x${path(odd._id)}`, { headers: acme }))
    expect(((await response.json()) as { nodes: unknown }).nodes).toEqual(odd.nodes)
  })
})
