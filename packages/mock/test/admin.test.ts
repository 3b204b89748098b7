/**
 * The admin API over TCP and in-process: the journal (bounded, newest first, secrets redacted, not
 * journaling itself), WireMock request patterns, settings, reset, health, the admin token, and the
 * 404 hint.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createMockApp, serve, Stubs, type Journal, type MockApp, type MockOptions, type MockServer } from "../src/index.js"
import { accounts, small } from "./support/data.js"
import { asAccount } from "./support/http.js"

const acme = asAccount(accounts.acme.linked_account_id, "tk-secret-key-123")
const list = "/api/v2/public/execution"

/** A mock served on a random port for the enclosing describe. */
const useServer = (options: MockOptions = {}) => {
  const state: { mock?: MockApp; server?: MockServer } = {}
  beforeAll(async () => {
    state.mock = createMockApp({ data: small(20), ...options })
    state.server = await serve(state.mock, { port: 0 })
  })
  afterAll(() => state.server?.close())
  const send = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, ...rest } = init
    const response = await fetch(`${state.server!.url}${path}`, {
      ...rest,
      ...(json === undefined ? {} : { body: typeof json === "string" ? json : JSON.stringify(json), headers: { "content-type": "application/json", ...rest.headers } })
    })
    const text = await response.text()
    return { status: response.status, text, body: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>) }
  }
  return { send, mock: () => state.mock!, reset: () => state.mock!.reset() }
}

describe("journal", () => {
  const { send, reset } = useServer({ journal: 4 })
  beforeAll(() => reset())

  it("keeps the newest requests first, bounded, without admin requests, secrets redacted", async () => {
    await send(`${list}?limit=1`, { headers: acme })
    await send(`${list}/65410cf6cdf931a12d7ab009`, { headers: { authorization: "Bearer tok-acme", cookie: "sid=s3cr3t-cookie" } })
    await send(`/nope?token=query-secret&page=2`, { headers: { "x-auth-token": "another-secret", "user-agent": "journal-test" } })
    await send(`/__admin/health`)
    const { body, text } = await send("/__admin/requests")
    for (const secret of ["tk-secret-key-123", "tok-acme", "s3cr3t-cookie", "query-secret", "another-secret"]) expect(text).not.toContain(secret)
    const requests = (body as { requests: Array<Journal.Entry> }).requests
    expect(requests.map((r) => `${r.request.method} ${r.request.url} ${r.response?.status}`)).toEqual([
      "GET /nope?token=%5BREDACTED%5D&page=2 404",
      "GET /api/v2/public/execution/65410cf6cdf931a12d7ab009 200",
      "GET /api/v2/public/execution?limit=1 200"
    ])
    expect(requests[0]!.request.query).toEqual({ token: ["[REDACTED]"], page: ["2"] })
    expect(requests[0]!.request.headers).toMatchObject({ "x-auth-token": "[REDACTED]", "user-agent": "journal-test" })
    expect(requests[1]!.request.headers).toMatchObject({ authorization: "[REDACTED]", cookie: "[REDACTED]" })
    expect(requests[2]!.request.headers).toMatchObject({ "x-api-key": "[REDACTED]", linked_account_id: accounts.acme.linked_account_id })
    expect(requests[2]!.id).toMatch(/^[0-9a-f-]{36}$/)
    expect((body as { meta: { total: number } }).meta.total).toBe(3)

    for (let i = 0; i < 5; i++) await send(`${list}?page=${i + 1}`, { headers: acme })
    const bounded = (await send("/__admin/requests")).body as { requests: Array<Journal.Entry> }
    expect(bounded.requests.map((r) => r.request.url)).toEqual([5, 4, 3, 2].map((p) => `${list}?page=${p}`))
    const limited = (await send("/__admin/requests?limit=2")).body as { requests: Array<Journal.Entry>; meta: { total: number } }
    expect(limited.requests).toHaveLength(2)
    expect(limited.meta.total).toBe(4)
    expect((await send("/__admin/requests?limit=x")).status).toBe(400)
  })

  it("forgets everything on DELETE /__admin/requests", async () => {
    await send(list, { headers: acme })
    expect((await send("/__admin/requests", { method: "DELETE" })).status).toBe(200)
    expect(((await send("/__admin/requests")).body as { requests: Array<unknown> }).requests).toEqual([])
  })

  const count = "; to count the requests that match a pattern, POST it to /__admin/requests/count"
  const takesLimit = (method: string, path: string) => `${method} ${path} takes only "limit"`
  it.each([
    ["GET", "/__admin/requests?method=POST", `Unknown query parameter "method": ${takesLimit("GET", "/__admin/requests")}${count}`],
    ["GET", "/__admin/requests?limit=1&since=2026-01-01T00:00:00Z", `Unknown query parameter "since": ${takesLimit("GET", "/__admin/requests")}${count}`],
    ["GET", "/__admin/requests?limit=1&limit=2", 'Invalid query parameter "limit": expected a single value, got it more than once'],
    ["DELETE", "/__admin/requests?urlPath=/api", `Unknown query parameter "urlPath": DELETE /__admin/requests takes no query parameters${count}`],
    ["GET", "/__admin/webhooks/deliveries?event=Workflow%20Completed", `Unknown query parameter "event": ${takesLimit("GET", "/__admin/webhooks/deliveries")}`],
    ["DELETE", "/__admin/webhooks/deliveries?webhookId=x", 'Unknown query parameter "webhookId": DELETE /__admin/webhooks/deliveries takes no query parameters']
  ])("refuses %s %s, a filter it does not apply, with a 400 naming it, and forgets nothing", async (method, path, message) => {
    await send(list, { headers: acme })
    const before = ((await send("/__admin/requests")).body as { meta: { total: number } }).meta.total
    const refused = await send(path, { method })
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({ error_code: "INVALID_ADMIN_REQUEST", message })
    expect(((await send("/__admin/requests")).body as { meta: { total: number } }).meta.total).toBe(before)
    await send("/__admin/requests", { method: "DELETE" })
  })

  it("records faults: a reset has no status", async () => {
    await send(`${list}?__fault=reset`, { headers: acme }).catch(() => undefined)
    await send(list, { headers: { ...acme, prefer: "code=503" } })
    const requests = ((await send("/__admin/requests")).body as { requests: Array<Journal.Entry> }).requests
    expect(requests.map((r) => r.response)).toEqual([{ status: 503, fault: "code=503" }, { status: null, fault: "reset" }])
  })
})

describe("POST /__admin/requests/count", () => {
  const { send, reset } = useServer()
  beforeAll(async () => {
    reset()
    await send(`${list}?status=ERRORED&limit=5`, { headers: acme })
    await send(`${list}?status=RUNNING`, { headers: acme })
    await send(`${list}/65410cf6cdf931a12d7ab009`, { headers: { authorization: "Bearer tok-acme" } })
    await send(`${list}/65410cf6cdf931a12d7ab009`, { method: "DELETE", headers: acme })
  })
  const count = async (pattern: unknown) => (await send("/__admin/requests/count", { method: "POST", json: pattern })).body

  it.each([
    [{}, 4],
    [{ method: "GET" }, 3],
    [{ method: "ANY", urlPath: list }, 2],
    [{ url: `${list}?status=RUNNING` }, 1],
    [{ urlPattern: ".*status=(ERRORED|RUNNING).*" }, 2],
    [{ urlPathPattern: `${list}/[0-9a-f]{24}` }, 2],
    [{ urlPathPattern: "/api/v2" }, 0],
    [{ queryParameters: { status: { equalTo: "ERRORED" } } }, 1],
    [{ queryParameters: { status: { equalTo: "errored", caseInsensitive: true } } }, 1],
    [{ queryParameters: { limit: { matches: "[0-9]+" } } }, 1],
    [{ queryParameters: { limit: { absent: true } }, urlPath: list }, 1],
    [{ queryParameters: { status: { doesNotMatch: "ERR.*" } } }, 1],
    [{ headers: { "X-API-KEY": { matches: ".+" } } }, 3],
    [{ headers: { "x-api-key": { equalTo: "tk-secret-key-123" } } }, 0],
    [{ headers: { authorization: { absent: false } } }, 1],
    [{ headers: { linked_account_id: { contains: "acme" } }, method: "get" }, 2]
  ])("counts %j as %i", async (pattern, expected) => {
    expect(await count(pattern)).toEqual({ count: expected })
  })

  it.each([
    [{ url: "/a", urlPath: "/a" }, "give at most one of url, urlPath, urlPattern and urlPathPattern, not url and urlPath"],
    [{ urlPathPattern: "(" }, "Invalid pattern.urlPathPattern: not a valid regular expression"],
    [{ queryParameters: { status: { equalsTo: "x" } } }, "Invalid pattern.queryParameters.status"],
    [{ bodyPatterns: [{ equalTo: 1 }] }, "Invalid pattern.bodyPatterns"],
    [{ bodyPatterns: { contains: "x" } }, "Invalid pattern.bodyPatterns"],
    ["{not json", "Invalid JSON body"]
  ])("answers 400 naming the problem for %j", async (pattern, message) => {
    const reply = await send("/__admin/requests/count", { method: "POST", json: pattern })
    expect(reply.status).toBe(400)
    expect(reply.body).toMatchObject({ status_code: 400, error_code: "INVALID_ADMIN_REQUEST" })
    expect((reply.body as { message: string }).message).toContain(message)
  })
})

describe("settings, reset and health", () => {
  const { send, mock } = useServer({ faults: { seed: 5 } })

  it("sets faults at run time, shows them, and refuses bad ones naming the field", async () => {
    const faults = { seed: 9, rateLimit: { rate: 1, retryAfter: 7 } }
    expect(await send("/__admin/settings", { method: "POST", json: { faults } })).toMatchObject({ status: 200, body: { faults } })
    expect((await send(list, { headers: acme })).status).toBe(429)
    expect((await send("/__admin/settings")).body).toEqual({ faults, arrived: 0 })
    for (const [body, message] of [
      [{ faults: { errors: { rate: 5 } } }, "Invalid faults.errors.rate"],
      [{ latency: { type: "fixed", ms: 1 } }, 'Invalid settings: expected { "faults": { ... } }'],
      [{ faults: {}, extra: 1 }, 'Invalid settings: unknown field "extra"'],
      [{ faults: { arrivals: { account: "ghost", everyRequests: 1 } } }, "defines no linked account"]
    ] as const) {
      const reply = await send("/__admin/settings", { method: "POST", json: body })
      expect(reply.status).toBe(400)
      expect((reply.body as { message: string }).message).toContain(message)
    }
    expect(mock().faults()).toEqual(faults)
  })

  it("resets journal, faults and arrivals to the start", async () => {
    const size = mock().store.size
    await send("/__admin/settings", { method: "POST", json: { faults: { arrivals: { account: accounts.acme.linked_account_id, everyRequests: 1 } } } })
    await send(list, { headers: acme })
    await send(list, { headers: acme })
    expect(mock().store.size).toBe(size + 2)
    expect((await send("/__admin/settings")).body).toMatchObject({ arrived: 2 })
    expect((await send("/__admin/reset", { method: "POST" })).status).toBe(200)
    expect(mock().store.size).toBe(size)
    expect(mock().faults()).toEqual({ seed: 5 })
    expect(mock().journal.requests()).toEqual([])
  })

  it("resets stubs and the executions a test started, and keeps the clock's time, as the README says", async () => {
    const workflow = mock().store.executions(accounts.acme.linked_account_id)[0]!
    const started = await send(`/api/v2/public/workflow/${workflow.associated_workflow!._id}/execute`, {
      method: "POST",
      headers: { ...acme, slug: workflow.associated_application!.slug ?? "" },
      json: {}
    })
    const id = (started.body as { execution_id: string }).execution_id
    expect((await send("/__admin/stubs", { method: "POST", json: { request: { urlPath: list }, response: { code: 503 } } })).status).toBe(201)
    const advanced = (await send("/__admin/clock/advance", { method: "POST", json: { ms: 60_000 } })).body as { nowMs: number }
    expect((await send("/__admin/reset", { method: "POST" })).status).toBe(200)
    expect((await send("/__admin/stubs")).body).toMatchObject({ meta: { total: 0 } })
    expect(id).toMatch(/^[0-9a-f]{24}$/)
    expect(mock().store.get(accounts.acme.linked_account_id, id)).toBeUndefined()
    expect(((await send("/__admin/clock")).body as { nowMs: number }).nowMs).toBeGreaterThanOrEqual(advanced.nowMs)
  })

  it("reports health", async () => {
    const health = await send("/__admin/health")
    expect(health.body).toMatchObject({ status: "healthy", executions: mock().store.size, accounts: 3 })
  })

  it("mints session tokens that authenticate", async () => {
    const minted = await send("/__admin/session-tokens", { method: "POST", json: { linked_account_id: accounts.globex.linked_account_id } })
    expect(minted.status).toBe(201)
    const token = (minted.body as { token: string }).token
    expect((await send(list, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    expect((await send("/__admin/session-tokens", { method: "POST", json: { linked_account_id: "ghost" } })).status).toBe(400)
  })
})

describe("admin token", () => {
  const { send } = useServer({ adminToken: "admin-s3cret" })

  it("protects every admin route but health", async () => {
    for (const [path, method] of [["/__admin/requests", "GET"], ["/__admin/reset", "POST"], ["/__admin/settings", "POST"], ["/__admin/requests/count", "POST"]] as const) {
      for (const headers of [{}, { authorization: "Bearer wrong" }, { authorization: "admin-s3cret" }]) {
        const reply = await send(path, { method, headers })
        expect(reply.status).toBe(401)
        expect(reply.body).toMatchObject({ http_error_type: "UNAUTHORIZED", message: "Admin token required: send Authorization: Bearer <admin token>" })
      }
    }
    expect((await send("/__admin/requests", { headers: { authorization: "Bearer admin-s3cret" } })).status).toBe(200)
    expect((await send("/__admin/health")).status).toBe(200)
  })

  // `Authorization: Bearer <token>` carries one word: any other token would lock the admin API for good.
  it.each(["", " ", "two words", "tab\there"])("refuses an admin token no request can send: %j", (adminToken) => {
    expect(() => createMockApp({ data: small(2), adminToken })).toThrow(
      "Invalid adminToken: expected a non-empty token without spaces (Authorization: Bearer <token> carries one word)"
    )
  })
})

describe("unknown routes", () => {
  const mock = createMockApp({ data: small(5) })
  const message = async (method: string, path: string) => {
    const response = await mock.fetch(new Request(`http://x${path}`, { method }))
    expect(response.status).toBe(404)
    return ((await response.json()) as { message: string }).message
  }

  it.each([
    ["GET", "/api/v2/public/executions", "Route GET /api/v2/public/executions not found; did you mean GET /api/v2/public/execution?"],
    ["GET", "/api/v1/public/execution/abc", "Route GET /api/v1/public/execution/abc not found; did you mean GET /api/v2/public/execution/:execution_id?"],
    ["GET", "/__admin/request", "Route GET /__admin/request not found; did you mean GET /__admin/requests?"],
    ["GET", "/openapi.yaml", "Route GET /openapi.yaml not found; did you mean GET /openapi.json?"],
    ["GET", "/something/else/entirely/unrelated", "Route GET /something/else/entirely/unrelated not found"]
  ])("%s %s answers 404 with the nearest route as a hint", async (method, path, expected) => {
    expect(await message(method, path)).toBe(expected)
  })
})

describe("admin routes called with a method they do not have", () => {
  const mock = createMockApp({ data: small(5) })
  afterAll(() => mock.close())

  it.each([
    ["GET", "/__admin/reset", "POST", ""],
    ["DELETE", "/__admin/clock", "GET, HEAD", ""],
    ["POST", "/__admin/clock", "GET, HEAD", "; did you mean POST /__admin/clock/advance?"],
    ["PUT", "/__admin/requests", "GET, HEAD, DELETE", ""],
    ["GET", "/__admin/requests/count", "POST", ""],
    ["GET", "/__admin/executions/6b149f556d6f636b00000002", "PATCH", ""],
    ["DELETE", "/__admin/settings/", "GET, HEAD, POST", ""],
    ["POST", "/docs", "GET, HEAD", ""]
  ])("%s %s answers 405 with Allow: %s, as the API's routes do", async (method, path, allow, hint) => {
    const response = await mock.fetch(new Request(`http://x${path}`, { method }))
    expect(response.status).toBe(405)
    expect(response.headers.get("allow")).toBe(allow)
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toMatchObject({ status_code: 405, error_code: "METHOD_NOT_ALLOWED" })
    expect(body.message).toBe(`Method ${method} is not allowed on ${path}; use ${allow.replace(", HEAD", "")}${hint}`)
  })

  it("still wants the admin token first, when the app has one", async () => {
    const locked = createMockApp({ data: small(2), adminToken: "s3cret" })
    try {
      expect((await locked.fetch(new Request("http://x/__admin/reset"))).status).toBe(401)
      const response = await locked.fetch(new Request("http://x/__admin/reset", { headers: { authorization: "Bearer s3cret" } }))
      expect([response.status, response.headers.get("allow")]).toEqual([405, "POST"])
    } finally {
      locked.close()
    }
  })
})

describe("stubs through the admin API (a process's tests, with no Effect)", () => {
  const { send, reset } = useServer()
  beforeAll(() => reset())

  it("answers matching requests with the stub, lists the stubs, and forgets them on DELETE and reset", async () => {
    const added = await send("/__admin/stubs", {
      method: "POST",
      json: { request: { method: "GET", urlPath: list, queryParameters: { status: { equalTo: "ERRORED" } } }, response: { code: 503 } }
    })
    expect(added).toMatchObject({ status: 201, body: { total: 1 } })
    expect((await send(`${list}?status=ERRORED`, { headers: acme })).status).toBe(503)
    expect((await send(`${list}?status=COMPLETED`, { headers: acme })).status).toBe(200)
    await send("/__admin/stubs", { method: "POST", json: { request: { urlPathPattern: `${list}.*` }, response: { body: { docs: [], from: "stub" } } } })
    expect((await send(`${list}?status=ERRORED`, { headers: acme })).body).toEqual({ docs: [], from: "stub" })
    const listed = await send("/__admin/stubs")
    expect(listed.body).toEqual({
      stubs: [
        { request: { urlPathPattern: `${list}.*` }, response: { body: { docs: [], from: "stub" } } },
        { request: { method: "GET", urlPath: list, queryParameters: { status: { equalTo: "ERRORED" } } }, response: { code: 503 } }
      ],
      meta: { total: 2 }
    })
    expect((await send("/__admin/stubs", { method: "DELETE" })).status).toBe(200)
    expect((await send(`${list}?status=ERRORED`, { headers: acme })).status).toBe(200)
    await send("/__admin/stubs", { method: "POST", json: { request: { urlPath: list }, response: { code: 500 } } })
    await send("/__admin/reset", { method: "POST" })
    expect((await send("/__admin/stubs")).body).toMatchObject({ meta: { total: 0 } })
  })

  it("refuses a bad stub with a 400 naming what is wrong, and more than MAX_STUBS", async () => {
    const bad = async (json: unknown) => {
      const r = await send("/__admin/stubs", { method: "POST", json })
      expect(r.status).toBe(400)
      return (r.body as { message: string }).message
    }
    expect(await bad({ request: { urlPath: list } })).toMatch(/expected \{ "request"/)
    expect(await bad({ request: { urlPath: list }, response: { code: 200 }, extra: 1 })).toMatch(/unknown field "extra"/)
    expect(await bad({ request: { urlPath: list, headers: { a: { equalTo: "b" } } }, response: { code: 200 } })).toMatch(/drop "headers"/)
    expect(await bad({ request: { urlPath: list }, response: { code: 99 } })).toMatch(/code/)
    expect(await bad({ request: { urlPath: list }, response: { fault: "explode" } })).toMatch(/fault/)
    for (let i = 0; i < Stubs.MAX_STUBS; i++) expect((await send("/__admin/stubs", { method: "POST", json: { request: { url: `${list}?i=${i}` }, response: { code: 500 } } })).status).toBe(201)
    expect(await bad({ request: { urlPath: list }, response: { code: 500 } })).toMatch(/Too many stubs: at most 1000/)
    await send("/__admin/stubs", { method: "DELETE" })
  })
})
