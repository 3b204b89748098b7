/**
 * Per-request scenarios (`Prefer`, `__` query parameters), in-process and over TCP: forced errors
 * with the vendor's body, named examples, delays, bad values, and every fault as a client sees it.
 */
import { HttpClient, HttpClientError } from "@effect/platform"
import { Page } from "@refold-effect/contract"
import { Examples } from "@refold-effect/fixtures"
import { Effect, Either, Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createMockApp, MockHttpClient, serve, type MockServer } from "../src/index.js"
import { accounts, seedListExecution, small } from "./support/data.js"
import { asAccount, kinds, useTransport } from "./support/http.js"

const acme = asAccount(accounts.acme.linked_account_id)
const list = "/api/v2/public/execution"
const one = `${list}/${seedListExecution._id}`

describe.each(kinds)("scenarios (%s)", (kind) => {
  const t = useTransport(kind, () => createMockApp({ data: small(30) }))

  it.each([
    [{ headers: { ...acme, prefer: "code=429" } }, list],
    [{ headers: acme }, `${list}?__code=429`],
    [{ headers: { ...acme, prefer: "code=429" } }, one],
    [{}, `${one}?__code=429`]
  ])("forces a 429 with Retry-After and the vendor's body, before authentication (%#)", async (init, path) => {
    const reply = await t.call(path, init)
    expect(reply.status).toBe(429)
    expect(reply.headers.get("retry-after")).toBe("1")
    expect(reply.body).toMatchObject({ status_code: 429, http_error_type: "TOO_MANY_REQUESTS", error_code: "RATE_LIMIT_EXCEEDED" })
  })

  it("forces the documented bodies for 400, 401 and 404, and the status's name for others", async () => {
    const expected = {
      400: { error_code: "INVALID_LINKED_ACCOUNT_ID", message: "linked_account_id or org_id is required" },
      401: { error_code: "SERVER_ERROR", message: "Invalid Credentials" },
      404: { error_code: "RESOURCE_NOT_FOUND", message: "Execution not found" },
      500: { error_code: "SERVER_ERROR", message: "Internal server error" },
      503: { error_code: "SERVICE_UNAVAILABLE", message: "Service unavailable" },
      418: { error_code: "BAD_REQUEST", message: "Simulated 418 error" }
    }
    for (const [code, body] of Object.entries(expected)) {
      const reply = await t.call(list, { headers: { ...acme, prefer: `code=${code}` } })
      expect(reply.status).toBe(Number(code))
      expect(reply.body).toMatchObject(body)
      expect(reply.headers.get("retry-after")).toBeNull()
    }
  })

  it("answers normally for code=200 and ignores preferences it does not know", async () => {
    for (const prefer of ["code=200", "return=minimal", "dynamic=true, respond-async", 'code="200"; foo=bar']) {
      const reply = await t.call(`${list}?limit=2`, { headers: { ...acme, prefer } })
      expect(reply.status).toBe(200)
      expect((reply.body as Page.ExecutionPage).docs).toHaveLength(2)
    }
  })

  it("ignores the __ query parameters when a Prefer header is present, as Prism does", async () => {
    const reply = await t.call(`${list}?__code=500&__fault=reset`, { headers: { ...acme, prefer: "return=minimal" } })
    expect(reply.status).toBe(200)
    const preferred = await t.call(`${list}?__code=500`, { headers: { ...acme, prefer: "code=404" } })
    expect(preferred.status).toBe(404)
  })

  it("never treats __ parameters as filters, and keeps parsing the real ones", async () => {
    const plain = await t.call(`${list}?status=ERRORED&limit=3`, { headers: acme })
    const withScenario = await t.call(`${list}?status=ERRORED&__delay=0&__unknown=1&limit=3`, { headers: acme })
    const { docs: a, ...metaA } = plain.body as Page.ExecutionPage
    const { docs: b, ...metaB } = withScenario.body as Page.ExecutionPage
    expect(b.map((d) => d._id)).toEqual(a.map((d) => d._id))
    expect(metaB).toEqual(metaA)
    const bad = await t.call(`${list}?status=NOPE&__delay=0`, { headers: acme })
    expect(bad.status).toBe(400)
    expect((bad.body as { message: string }).message).toContain('"status"')
  })

  it("serves the docs' example page for example=seed, honouring page and limit", async () => {
    const reply = await t.call(list, { headers: { ...acme, prefer: "example=seed" } })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ docs: [Examples.listDoc], ...Page.meta(1, 1, 10) })
    const empty = await t.call(`${list}?page=3&limit=5&__example=empty`, { headers: acme })
    expect(empty.body).toEqual({ docs: [], ...Page.meta(0, 3, 5) })
  })

  it("serves the get page's example verbatim for example=seed on any id", async () => {
    const reply = await t.call(`${list}/000000000000000000000000`, { headers: { ...acme, prefer: "example=seed" } })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual(Examples.detail)
  })

  it("still wants credentials for an example, like any 200", async () => {
    const reply = await t.call(list, { headers: { prefer: "example=seed" } })
    expect(reply.status).toBe(401)
  })

  it.each([
    ["code=abc", 'Invalid scenario Prefer "code": expected 200 or an error status from 400 to 599, got "abc"'],
    ["code=302", 'Invalid scenario Prefer "code": expected 200 or an error status from 400 to 599, got "302"'],
    ["delay=-5", 'Invalid scenario Prefer "delay": expected milliseconds from 0 to 600000, got "-5"'],
    ["delay=600001", 'Invalid scenario Prefer "delay": expected milliseconds from 0 to 600000, got "600001"'],
    ["fault=explode", 'Invalid scenario Prefer "fault": expected one of reset, hang, truncate, malformed, empty, got "explode"'],
    ["example=Bad!", 'Invalid scenario Prefer "example": expected an example name such as seed or empty, got "Bad!"'],
    ["code=404, code=500", 'Invalid scenario Prefer "code": given twice with different values'],
    ["example=seed, code=500", "Invalid scenario: example=seed is a 200 body and cannot be combined with code=500"],
    ["fault=reset, code=500", "Invalid scenario: fault=reset sends no response, so it cannot be combined with code or example"],
    ["example=nope", 'Invalid scenario example: "nope" is not an example of GET /api/v2/public/execution; it has empty, seed, unknown-status']
  ])("answers 400 naming the problem for Prefer: %s", async (prefer, message) => {
    const reply = await t.call(list, { headers: { ...acme, prefer } })
    expect(reply.status).toBe(400)
    expect(reply.body).toMatchObject({ error_code: "INVALID_SCENARIO", message })
  })

  it("answers 400 for bad or repeated __ parameters and for an example the endpoint lacks", async () => {
    const repeated = await t.call(`${list}?__code=404&__code=500`, { headers: acme })
    expect(repeated.body).toMatchObject({ message: 'Invalid scenario query parameter "__code": expected a single value, got it more than once' })
    const bad = await t.call(`${list}?__delay=soon`, { headers: acme })
    expect(bad.body).toMatchObject({ message: 'Invalid scenario query parameter "__delay": expected milliseconds from 0 to 600000, got "soon"' })
    const missing = await t.call(`${one}?__example=empty`, { headers: acme })
    expect(missing.status).toBe(400)
    expect(missing.body).toMatchObject({ message: 'Invalid scenario example: "empty" is not an example of GET /api/v2/public/execution/:execution_id; it has seed, unknown-status' })
  })

  it("waits delay=<ms> before answering", async () => {
    const started = Date.now()
    const reply = await t.call(`${list}?__delay=150`, { headers: acme })
    expect(reply.status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(145)
  })
})

describe("example=unknown-status", () => {
  const mock = createMockApp({ data: small(5) })
  const body = async (path: string) => (await mock.fetch(new Request(`http://x${path}`, { headers: { ...acme, prefer: "example=unknown-status" } }))).json()

  it("is a page and a detail with values the docs do not know, which the contract still decodes", async () => {
    const page = Schema.decodeUnknownSync(Page.ExecutionPage)(await body(list))
    expect(page.docs.map((d) => d.status)).toEqual(["PAUSED", "QUEUED"])
    expect(page.docs.map((d) => d.type_of_execution)).toEqual(["BATCH", "ASYNC"])
    const raw = (await body(one)) as { status: string; nodes: Array<{ node_status: string }>; paused_reason: string }
    expect(raw.status).toBe("PAUSED")
    expect(raw.nodes.map((n) => n.node_status)).toEqual(["Success", "Awaiting_Approval"])
    expect(raw.paused_reason).toBe("awaiting approval")
  })
})

/** The faults, as a real client over TCP sees them (undici's fetch). */
describe("faults over TCP", () => {
  const mock = createMockApp({ data: small(30) })
  let server: MockServer
  beforeAll(async () => {
    server = await serve(mock, { port: 0 })
  })
  afterAll(() => server.close())
  const get = (fault: string, init: RequestInit = {}) => fetch(`${server.url}${list}?__fault=${fault}`, { headers: acme, ...init })

  it("reset drops the connection: fetch rejects with a network error, and the server keeps serving", async () => {
    const error = await get("reset").then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect(String((error as TypeError).cause)).toMatch(/other side closed|ECONNRESET|socket/i)
    expect((await fetch(`${server.url}${list}`, { headers: acme })).status).toBe(200)
  })

  it("hang never answers, until the client gives up; then the mock lets go of the request", async () => {
    const error = await get("hang", { signal: AbortSignal.timeout(300) }).then(() => undefined, (e: unknown) => e)
    expect((error as Error).name).toBe("TimeoutError")
    await expect.poll(() => mock.journal.requests().find((e) => e.request.url.includes("__fault=hang"))?.response).toEqual({ status: null, fault: "hang" })
    expect((await fetch(`${server.url}${list}`, { headers: acme })).status).toBe(200)
  })

  it("truncate promises more bytes than it sends: the body read fails", async () => {
    const response = await get("truncate")
    expect(response.status).toBe(200)
    const promised = Number(response.headers.get("content-length"))
    expect(promised).toBeGreaterThan(100)
    await expect(response.text()).rejects.toThrow(TypeError)
  })

  it("malformed sends a body that is not JSON, with a consistent Content-Length", async () => {
    const response = await get("malformed")
    expect(response.status).toBe(200)
    const text = await response.text()
    expect(Number(response.headers.get("content-length"))).toBe(Buffer.byteLength(text))
    expect(text.startsWith('{"docs":[')).toBe(true)
    expect(() => JSON.parse(text)).toThrow(SyntaxError)
  })

  it("empty sends 200 (or the given code) with no body", async () => {
    const response = await get("empty")
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8")
    expect(await response.text()).toBe("")
    const unavailable = await fetch(`${server.url}${list}`, { headers: { ...acme, prefer: "code=503, fault=empty" } })
    expect(unavailable.status).toBe(503)
    expect(await unavailable.text()).toBe("")
  })
})

describe("a hang while the server closes", () => {
  it("does not hold the server open: close drops the hanging connection", async () => {
    const mock = createMockApp({ data: small(5) })
    const server = await serve(mock, { port: 0 })
    const pending = fetch(`${server.url}${list}?__fault=hang`, { headers: acme }).then(() => "answered", () => "dropped")
    await expect.poll(() => mock.journal.requests().length).toBe(1)
    await server.close()
    expect(await pending).toBe("dropped")
    await expect.poll(() => mock.journal.requests()[0]?.response).toEqual({ status: null, fault: "hang" })
  })
})

/** The same faults in-process: no socket, yet the same failures as over TCP. */
describe("faults in-process", () => {
  const mock = createMockApp({ data: small(30) })
  const fetchMock = MockHttpClient.fetch(mock)
  const get = (fault: string, init: RequestInit = {}) => fetchMock(`https://app.refold.ai${list}?__fault=${fault}`, { headers: acme, ...init })

  it("reset rejects the fetch with undici's TypeError (cause ECONNRESET)", async () => {
    const error = await get("reset").then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect((error as TypeError).message).toBe("fetch failed")
    expect(((error as TypeError).cause as { code: string }).code).toBe("ECONNRESET")
  })

  it("reset through mock.fetch itself gives a body that fails to read", async () => {
    const response = await mock.fetch(new Request(`http://x${list}?__fault=reset`, { headers: acme }))
    await expect(response.text()).rejects.toThrow(TypeError)
  })

  it("hang waits for the client's abort, then lets go of the request", async () => {
    const error = await get("hang", { signal: AbortSignal.timeout(200) }).then(() => undefined, (e: unknown) => e)
    expect((error as Error).name).toBe("TimeoutError")
    await expect.poll(() => mock.journal.requests().find((e) => e.request.url.includes("__fault=hang"))?.response).toEqual({ status: null, fault: "hang" })
  })

  it("truncate, malformed and empty break the body as over TCP", async () => {
    const truncated = await get("truncate")
    expect(Number(truncated.headers.get("content-length"))).toBeGreaterThan(100)
    await expect(truncated.text()).rejects.toThrow("terminated")
    const malformed = await (await get("malformed")).text()
    expect(() => JSON.parse(malformed)).toThrow(SyntaxError)
    expect(await (await get("empty")).text()).toBe("")
  })

  it("reset is a Transport RequestError for an Effect HttpClient, as over the network", async () => {
    const result = await Effect.runPromise(
      HttpClient.get(`https://app.refold.ai${list}?__fault=reset`, { headers: acme }).pipe(Effect.either, Effect.provide(MockHttpClient.layer(mock)))
    )
    expect(Either.isLeft(result)).toBe(true)
    const error = Either.isLeft(result) ? result.left : undefined
    expect(error).toBeInstanceOf(HttpClientError.RequestError)
    expect((error as HttpClientError.RequestError).reason).toBe("Transport")
  })
})
