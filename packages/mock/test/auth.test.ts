import { describe, expect, it } from "vitest"
import { createMockApp } from "../src/index.js"
import { accounts, small } from "./support/data.js"
import { kinds, useTransport } from "./support/http.js"

const data = small(30)
const list = "/api/v2/public/execution"
const unauthorized = { status_code: 401, http_error_type: "UNAUTHORIZED", error_code: "SERVER_ERROR", message: "Invalid Credentials" }
const missingAccount = {
  status_code: 400,
  http_error_type: "BAD_REQUEST",
  error_code: "INVALID_LINKED_ACCOUNT_ID",
  message: "linked_account_id or org_id is required"
}
const accountsOf = (body: unknown) => new Set((body as { docs: Array<{ linked_account_id: string }> }).docs.map((d) => d.linked_account_id))

describe.each(kinds)("authentication (%s)", (kind) => {
  const t = useTransport(kind, () => createMockApp({ data }))

  it.each([
    ["no credentials", {}],
    ["an empty API key", { "x-api-key": "", linked_account_id: "acme@example.com" }],
    ["a linked_account_id alone", { linked_account_id: "acme@example.com" }],
    ["an unknown session token", { authorization: "Bearer nope" }],
    ["an unknown session token next to a valid API key", { authorization: "Bearer nope", "x-api-key": "k", linked_account_id: "globex" }],
    ["a Basic authorization", { authorization: "Basic dXNlcjpwYXNz" }],
    ["a Bearer scheme without a token", { authorization: "Bearer " }]
  ])("answers the vendor's 401 for %s", async (_, headers) => {
    for (const path of [list, `${list}/65410cf6cdf931a12d7ab009`]) {
      const reply = await t.call(path, { headers })
      expect(reply.status).toBe(401)
      expect(reply.body).toMatchObject(unauthorized)
    }
  })

  it("answers the vendor's 400 for an API key without linked_account_id", async () => {
    for (const headers of [{ "x-api-key": "tk-1" }, { "x-api-key": "tk-1", linked_account_id: "" }]) {
      const reply = await t.call(list, { headers })
      expect(reply.status).toBe(400)
      expect(reply.body).toMatchObject(missingAccount)
    }
  })

  it("checks credentials before the query", async () => {
    expect((await t.call(`${list}?page=0`)).status).toBe(401)
  })

  it("accepts any non-empty API key by default, scoped to linked_account_id", async () => {
    const reply = await t.call(list, { headers: { "x-api-key": "anything", linked_account_id: "globex" } })
    expect(reply.status).toBe(200)
    expect(accountsOf(reply.body)).toEqual(new Set(["globex"]))
  })

  it("authenticates a data set's session token as its account, case-insensitive scheme", async () => {
    for (const authorization of ["Bearer tok-acme", "bearer tok-acme", "BEARER   tok-acme"]) {
      const reply = await t.call(list, { headers: { authorization } })
      expect(reply.status).toBe(200)
      expect(accountsOf(reply.body)).toEqual(new Set([accounts.acme.linked_account_id]))
    }
  })

  it("lets a session token win over an API key and linked_account_id sent with it", async () => {
    const reply = await t.call(list, { headers: { authorization: "Bearer tok-acme", "x-api-key": "k", linked_account_id: "globex" } })
    expect(accountsOf(reply.body)).toEqual(new Set([accounts.acme.linked_account_id]))
  })

  it("ignores a non-Bearer Authorization header next to an API key", async () => {
    const reply = await t.call(list, { headers: { authorization: "Basic dXNlcjpwYXNz", "x-api-key": "k", linked_account_id: "globex" } })
    expect(accountsOf(reply.body)).toEqual(new Set(["globex"]))
  })

  it("authenticates minted tokens, one per call, each as its account", async () => {
    const first = t.mock.mintSessionToken("initech")
    const second = t.mock.mintSessionToken("initech")
    expect(first).not.toBe(second)
    for (const token of [first, second]) {
      const reply = await t.call(list, { headers: { authorization: `Bearer ${token}` } })
      expect(accountsOf(reply.body)).toEqual(new Set(["initech"]))
    }
    const [, payload] = first.split(".")
    expect(JSON.parse(Buffer.from(payload!, "base64url").toString())).toMatchObject({
      linked_account_id: "initech",
      org_id: accounts.initech.org_id,
      environment: "test"
    })
  })

  it("refuses to mint a token for an account the data set does not define", () => {
    expect(() => t.mock.mintSessionToken("ghost")).toThrow(/unknown linked account "ghost".*"acme@example.com", "globex", "initech"/)
  })
})

describe.each(kinds)("restricted API keys (%s)", (kind) => {
  const t = useTransport(kind, () => createMockApp({ data: { ...data, apiKeys: ["tk-from-data"] }, apiKeys: ["tk-allowed", "pk-allowed"] }))

  it("accepts only the configured keys (the option overrides the data set's)", async () => {
    for (const key of ["tk-allowed", "pk-allowed"]) {
      expect((await t.call(list, { headers: { "x-api-key": key, linked_account_id: "globex" } })).status).toBe(200)
    }
    for (const key of ["tk-from-data", "tk-allowe", "TK-ALLOWED", "tk-allowed, pk-allowed"]) {
      const reply = await t.call(list, { headers: { "x-api-key": key, linked_account_id: "globex" } })
      expect(reply.status, key).toBe(401)
      expect(reply.text).not.toContain(key.trim())
    }
  })

  it("checks the key before linked_account_id", async () => {
    expect((await t.call(list, { headers: { "x-api-key": "wrong" } })).status).toBe(401)
  })

  it("still accepts session tokens", async () => {
    expect((await t.call(list, { headers: { authorization: "Bearer tok-globex" } })).status).toBe(200)
  })
})

describe("API keys from the data set", () => {
  it("are the default, and an empty list accepts no key", async () => {
    const fromData = createMockApp({ data: { ...data, apiKeys: ["tk-from-data"] } })
    const none = createMockApp({ data, apiKeys: [] })
    const status = (mock: typeof none, key: string) =>
      mock.fetch(new Request(`http://x${list}`, { headers: { "x-api-key": key, linked_account_id: "globex" } })).then((r) => r.status)
    expect(await status(fromData, "tk-from-data")).toBe(200)
    expect(await status(fromData, "other")).toBe(401)
    expect(await status(none, "tk-from-data")).toBe(401)
  })
})
