/**
 * Every bound of the mock from both sides (issue 16, item 11), over TCP: the last value accepted and
 * the first refused, so that a bound moved by one in either direction fails a test.
 */
import { ListQuery } from "@refold-effect/contract"
import { Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Admin, createMockApp, Scenario, serve, type MockApp, type MockServer } from "../src/index.js"
import * as Regex from "../src/internal/Regex.js"
import { accounts, small } from "./support/data.js"
import { asAccount } from "./support/http.js"

const list = "/api/v2/public/execution"
const acme = asAccount(accounts.acme.linked_account_id)

let mock: MockApp
let server: MockServer
beforeAll(async () => {
  mock = createMockApp({ data: small(20), journal: 3 })
  server = await serve(mock, { port: 0 })
})
afterAll(() => server.close())

const send = async (path: string, init: RequestInit = {}) => {
  const response = await fetch(`${server.url}${path}`, init)
  const text = await response.text()
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown> }
}
const json = (body: string): RequestInit => ({ method: "POST", body, headers: { "content-type": "application/json" } })

describe("list query bounds", () => {
  it.each([
    ["limit", "1", 200],
    ["limit", "0", 400],
    ["limit", String(ListQuery.MAX_LIMIT), 200],
    ["limit", String(ListQuery.MAX_LIMIT + 1), 400],
    ["page", "1", 200],
    ["page", "0", 400],
    ["page", String(ListQuery.MAX_PAGE), 200],
    ["page", String(ListQuery.MAX_PAGE + 1), 400],
    ["page", "0000000001", 200],
    ["page", "00000000001", 400]
  ])("%s=%s answers %i", async (name, value, status) => {
    const reply = await send(`${list}?${name}=${value}`, { headers: acme })
    expect(reply.status).toBe(status)
    if (status === 400) expect(reply.body["message"]).toContain(`"${name}"`)
    else expect(reply.body["limit"]).toBe(name === "limit" ? Number(value) : 10)
  })
})

describe("scenario bounds", () => {
  const parse = (prefer: string) => Scenario.parse(new Headers({ prefer }), "http://x/")
  it.each([
    [`delay=${Scenario.MAX_DELAY_MS}`, true],
    [`delay=${Scenario.MAX_DELAY_MS + 1}`, false],
    ["delay=0", true],
    ["code=400", true],
    ["code=399", false],
    ["code=599", true],
    ["code=600", false],
    ["code=200", true],
    ["code=201", false]
  ])("Prefer: %s is accepted: %s", (prefer, accepted) => {
    expect(Either.isRight(parse(prefer))).toBe(accepted)
  })
})

describe("admin bounds", () => {
  it("GET /__admin/requests?limit=0 answers no entry, limit=1 one, and the total either way", async () => {
    mock.reset()
    for (let i = 0; i < 2; i++) await send(list, { headers: acme })
    expect(await send("/__admin/requests?limit=0")).toMatchObject({ status: 200, body: { requests: [], meta: { total: 2 } } })
    const one = await send("/__admin/requests?limit=1")
    expect((one.body["requests"] as Array<unknown>).length).toBe(1)
    expect((await send("/__admin/requests?limit=-1")).status).toBe(400)
  })

  it("keeps exactly `journal` requests", async () => {
    mock.reset()
    for (let i = 1; i <= 4; i++) await send(`${list}?page=${i}`, { headers: acme })
    expect(((await send("/__admin/requests")).body["requests"] as Array<{ request: { url: string } }>).map((e) => e.request.url)).toEqual([4, 3, 2].map((p) => `${list}?page=${p}`))
  })

  it(`takes a regex of ${Regex.MAX_LENGTH} characters, not one more`, async () => {
    expect((await send("/__admin/requests/count", json(JSON.stringify({ urlPattern: "a".repeat(Regex.MAX_LENGTH) })))).status).toBe(200)
    expect((await send("/__admin/requests/count", json(JSON.stringify({ urlPattern: "a".repeat(Regex.MAX_LENGTH + 1) })))).status).toBe(400)
  })

  it(`takes JSON nested ${Admin.MAX_DEPTH} deep, not deeper`, async () => {
    const nested = (depth: number) => `{"faults":{},"x":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`
    // One level for the object itself: the array adds depth - 1.
    expect((await send("/__admin/settings", json(nested(Admin.MAX_DEPTH)))).body["message"]).toMatch(/unknown field "x"/)
    expect((await send("/__admin/settings", json(nested(Admin.MAX_DEPTH + 1)))).body["message"]).toMatch(/nested deeper than/)
  })

  it(`takes a body of ${Admin.MAX_BODY_BYTES} bytes, not one more`, async () => {
    const padded = (size: number) => {
      const head = '{"faults":{}}'
      return head + " ".repeat(size - head.length)
    }
    expect((await send("/__admin/settings", json(padded(Admin.MAX_BODY_BYTES)))).status).toBe(200)
    expect((await send("/__admin/settings", json(padded(Admin.MAX_BODY_BYTES + 1)))).body["message"]).toMatch(/larger than/)
  })
})
