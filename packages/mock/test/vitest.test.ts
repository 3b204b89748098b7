/** `useMockServer` from `@refold-effect/mock/vitest`: a real server on a free port for the suite, stopped after it. */
import { useMockServer } from "@refold-effect/mock/vitest"
import { describe, expect, it } from "vitest"
import { accounts, small } from "./support/data.js"

let url: string | undefined

describe("useMockServer", () => {
  const server = useMockServer({ fixtures: small(12), faults: { seed: 2 }, adminToken: "adm" })

  it("serves the mock over TCP on a free port", async () => {
    url = server.url
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.server.port).toBeGreaterThan(0)
    const response = await fetch(`${server.url}/api/v2/public/execution?limit=2`, { headers: { authorization: "Bearer tok-acme" } })
    expect(response.status).toBe(200)
    expect(server.mock.journal.requests()).toHaveLength(1)
    expect(server.mock.faults()).toEqual({ seed: 2 })
    const admin = await fetch(`${server.url}/__admin/requests/count`, { method: "POST", headers: { authorization: "Bearer adm", "content-type": "application/json" }, body: JSON.stringify({ headers: { authorization: { absent: false } } }) })
    expect(await admin.json()).toEqual({ count: 1 })
  })

  it("keeps one server for the whole suite", () => {
    expect(server.url).toBe(url)
    expect(server.mock.store.account(accounts.acme.linked_account_id)).toBeDefined()
  })
})

describe("after the suite", () => {
  it("has stopped the server", async () => {
    expect(url).toBeDefined()
    await expect(fetch(`${url}/__admin/health`)).rejects.toThrow(TypeError)
  })
})

describe("before the suite has started", () => {
  const server = useMockServer({ fixtures: small(2) })
  let early: unknown
  try {
    early = server.url
  } catch (e) {
    early = e
  }

  it("the handle explains that it is only usable during the suite", () => {
    expect(String(early)).toContain("useMockServer: the server runs only during the suite's tests")
    expect(server.url).toContain("127.0.0.1")
  })
})

describe("options that could never work", () => {
  it("are refused when the suite is collected, naming the option among the kit's and serve's", () => {
    expect(() => useMockServer({ fixture: { generate: { size: 5 } } } as never)).toThrow(
      'Unknown option "fixture": expected one of apiKeys, onError, faults, adminToken, journal, webhooks, clock, lifecycleSeed, cors, fixtures, accounts, baseUrl, port, host'
    )
    expect(() => useMockServer({ lifecycleSeed: -1 })).toThrow("Invalid lifecycleSeed: expected an integer from 0 to 4294967295, got -1")
  })
})
