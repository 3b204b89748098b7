/**
 * Hostile and unlucky input from outside, over TCP (issue 16): the admin API's bodies and regexes,
 * CORS and cross-site admin writes, the bounds of minted session tokens, redaction of credentials by
 * value, and requests Node's HTTP server handles before the app (no `Host`, `CONNECT`).
 */
import { connect } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createMockApp, serve, SessionTokens, type MockApp, type MockOptions, type MockServer } from "../src/index.js"
import { accounts, small } from "./support/data.js"

const list = "/api/v2/public/execution"
const acme = accounts.acme.linked_account_id

/** A mock served on a random port for the enclosing describe. */
const useServer = (options: MockOptions = {}) => {
  const state: { mock?: MockApp; server?: MockServer } = {}
  beforeAll(async () => {
    state.mock = createMockApp({ data: small(20), onError: (e) => { throw e }, ...options })
    state.server = await serve(state.mock, { port: 0 })
  })
  afterAll(() => state.server?.close())
  const send = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${state.server!.url}${path}`, init)
    const text = await response.text()
    return { status: response.status, headers: response.headers, text, body: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>) }
  }
  return { send, mock: () => state.mock!, server: () => state.server! }
}

const post = (body: string, contentType = "application/json"): RequestInit => ({ method: "POST", body, headers: { "content-type": contentType } })

/** Writes raw bytes to the server and reads until it closes (or 3 s pass: then `timedOut`). */
const raw = (port: number, bytes: string) =>
  new Promise<{ text: string; timedOut: boolean }>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(Buffer.from(bytes, "latin1")))
    let text = ""
    const timer = setTimeout(() => {
      socket.destroy()
      resolve({ text, timedOut: true })
    }, 3000)
    socket.on("data", (chunk) => (text += chunk.toString("latin1")))
    socket.on("close", () => {
      clearTimeout(timer)
      resolve({ text, timedOut: false })
    })
    socket.on("error", reject)
  })

describe("admin bodies (item 6)", () => {
  const { send } = useServer()
  const nested = (depth: number, open = "[", close = "]") => `${open.repeat(depth)}${close.repeat(depth)}`

  it.each([
    ["/__admin/settings", `{"faults":${nested(20_000)}}`],
    ["/__admin/requests/count", `{"headers":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}}`],
    ["/__admin/session-tokens", nested(30_000)]
  ])("answers deeply nested JSON to %s with a 400 naming the problem, not a 500", async (path, body) => {
    const reply = await send(path, post(body))
    expect(reply.status).toBe(400)
    expect(reply.body).toMatchObject({ status_code: 400, error_code: "INVALID_ADMIN_REQUEST" })
    expect(reply.body!["message"]).toMatch(/nested deeper than 32 levels/)
  })

  it("accepts JSON nested as deep as the limit allows", async () => {
    const reply = await send("/__admin/requests/count", post(`{"method":"GET","x":${nested(30, '{"a":', "}").replace(/\{"a":\}/, '{"a":1}')}}`))
    // Nested 31 levels in all: within the limit, so the pattern decoder answers (an unknown field).
    expect(reply.body!["message"]).toMatch(/Invalid pattern\.x/)
  })

  it.each([
    ["text/plain", "text/plain"],
    ["form-encoded", "application/x-www-form-urlencoded"],
    ["multipart", "multipart/form-data; boundary=x"]
  ])("refuses a %s body with a 400 naming the content type", async (_, contentType) => {
    const reply = await send("/__admin/settings", post('{"faults":{"errors":{"rate":1}}}', contentType))
    expect(reply.status).toBe(400)
    expect(reply.body!["message"]).toMatch(/Content-Type .*application\/json/)
    expect((await send("/__admin/settings")).body).toMatchObject({ faults: {} })
  })

  it("accepts application/json with parameters and +json types", async () => {
    expect((await send("/__admin/settings", post('{"faults":{}}', "application/json; charset=utf-8"))).status).toBe(200)
    expect((await send("/__admin/settings", post('{"faults":{}}', "application/vnd.refold+json"))).status).toBe(200)
  })

  it("refuses a body over 64 KiB with a 413, as the API's routes refuse theirs, and a body that is not UTF-8", async () => {
    const big = await send("/__admin/settings", post(`{"faults":{},"x":"${"a".repeat(70_000)}"}`))
    expect(big).toMatchObject({ status: 413, body: { error_code: "PAYLOAD_TOO_LARGE", message: "Request body larger than 64 KiB (65536 bytes)" } })
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])
    const binary = await send("/__admin/requests/count", { method: "POST", body: bytes, headers: { "content-type": "application/json" } })
    expect(binary.status).toBe(400)
    expect(binary.body!["message"]).toMatch(/UTF-8/)
  })
})

describe("admin regexes (item 5)", () => {
  const { send } = useServer()

  it("answers a catastrophic-backtracking pattern at once, and the server keeps answering", async () => {
    await send(`/${"a".repeat(40)}!`)
    await send(`${list}?q=${"a".repeat(40)}!`, { headers: { "x-api-key": "k", linked_account_id: acme } })
    for (const pattern of [{ urlPattern: "/(a+)+" }, { urlPathPattern: "/(a|a)*" }, { queryParameters: { q: { matches: "(a*)*b" } } }, { headers: { "user-agent": { doesNotMatch: "(.*a){20}" } } }]) {
      const reply = await send("/__admin/requests/count", post(JSON.stringify(pattern)))
      expect(reply.status, JSON.stringify(pattern)).toBe(200)
    }
    expect((await send("/__admin/health")).status).toBe(200)
  })

  it.each([
    [{ urlPattern: "(?=a)a" }, "Invalid pattern.urlPattern: not a valid regular expression"],
    [{ urlPathPattern: "(a)\\1" }, "Invalid pattern.urlPathPattern: not a valid regular expression"],
    [{ headers: { a: { matches: "x{2000}" } } }, "Invalid pattern.headers.a.matches"],
    [{ urlPattern: "a".repeat(257) }, "longer than 256 characters"]
  ])("refuses %j, which the linear-time engine cannot run, naming it", async (pattern, message) => {
    const reply = await send("/__admin/requests/count", post(JSON.stringify(pattern)))
    expect(reply.status).toBe(400)
    expect(reply.body!["message"]).toContain(message)
  })
})

describe("CORS (item 7)", () => {
  const { send, mock, server } = useServer()
  const origin = "http://localhost:5173"

  it("answers a preflight for the API's methods and headers", async () => {
    const reply = await send(list, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "GET", "access-control-request-headers": "x-api-key, linked_account_id, prefer" }
    })
    expect(reply.status).toBe(204)
    expect(reply.headers.get("access-control-allow-origin")).toBe("*")
    expect(reply.headers.get("access-control-allow-methods")?.split(",")).toEqual(expect.arrayContaining(["GET", "HEAD"]))
    const allowed = reply.headers.get("access-control-allow-headers")?.split(",")
    expect(allowed).toEqual(expect.arrayContaining(["x-api-key", "linked_account_id", "authorization", "prefer"]))
  })

  it("lets a page on another origin read the API's answers, their request id and Retry-After", async () => {
    const reply = await send(list, { headers: { origin, "x-api-key": "k", linked_account_id: acme } })
    expect(reply.status).toBe(200)
    expect(reply.headers.get("access-control-allow-origin")).toBe("*")
    expect(reply.headers.get("access-control-expose-headers")?.split(",")).toEqual(expect.arrayContaining(["x-request-id", "retry-after"]))
    const limited = await send(list, { headers: { origin, prefer: "code=429" } })
    expect(limited.headers.get("access-control-allow-origin")).toBe("*")
  })

  it("serves /openapi.json cross-origin", async () => {
    const reply = await send("/openapi.json", { headers: { origin } })
    expect(reply.status).toBe(200)
    expect(reply.headers.get("access-control-allow-origin")).toBe("*")
  })

  it("refuses cross-origin admin writes, text/plain or not, and leaves the faults alone", async () => {
    const before = mock().faults()
    for (const contentType of ["text/plain", "application/json"]) {
      const reply = await send("/__admin/settings", { method: "POST", body: '{"faults":{"errors":{"rate":1}}}', headers: { origin, "content-type": contentType } })
      expect(reply.status).toBe(403)
      expect(reply.body).toMatchObject({ error_code: "CROSS_ORIGIN_ADMIN_REQUEST" })
    }
    for (const path of ["/__admin/reset", "/__admin/session-tokens"]) expect((await send(path, { method: "POST", headers: { origin } })).status).toBe(403)
    expect((await send("/__admin/requests", { method: "DELETE", headers: { origin } })).status).toBe(403)
    for (const path of ["/%5F%5Fadmin/settings", "/%5f%5fadmin/settings/", "/__admin//settings"]) {
      const reply = await send(path, { method: "POST", body: '{"faults":{"errors":{"rate":1}}}', headers: { origin, "content-type": "application/json" } })
      expect(reply.status, path).not.toBe(200)
    }
    expect(mock().faults()).toEqual(before)
    const preflight = await send("/__admin/settings", { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } })
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull()
  })

  it("lets same-origin admin writes through (the /docs page, a browser on the mock's own origin)", async () => {
    const reply = await send("/__admin/settings", { method: "POST", body: '{"faults":{"seed":2}}', headers: { origin: server().url, "content-type": "application/json" } })
    expect(reply.status).toBe(200)
    expect(mock().faults()).toEqual({ seed: 2 })
    mock().reset()
  })
})

describe("CORS restricted to listed origins (item 7)", () => {
  const allowed = "http://localhost:6006"
  const { send, mock } = useServer({ cors: [allowed] })

  it("answers listed origins only, and lets them write to the admin API", async () => {
    const ok = await send(list, { headers: { origin: allowed, "x-api-key": "k", linked_account_id: acme } })
    expect(ok.headers.get("access-control-allow-origin")).toBe(allowed)
    expect(ok.headers.get("vary")).toMatch(/origin/i)
    const other = await send(list, { headers: { origin: "http://evil.test", "x-api-key": "k", linked_account_id: acme } })
    expect(other.headers.get("access-control-allow-origin")).toBeNull()
    const preflight = await send("/__admin/settings", { method: "OPTIONS", headers: { origin: allowed, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } })
    expect(preflight.headers.get("access-control-allow-origin")).toBe(allowed)
    const write = await send("/__admin/settings", { method: "POST", body: '{"faults":{"seed":3}}', headers: { origin: allowed, "content-type": "application/json" } })
    expect(write.status).toBe(200)
    expect(mock().faults()).toEqual({ seed: 3 })
  })
})

describe("CORS off (item 7)", () => {
  const { send } = useServer({ cors: false })

  it("sends no CORS header and answers OPTIONS as before (405 on the API)", async () => {
    const reply = await send(list, { method: "OPTIONS", headers: { origin: "http://localhost:5173", "access-control-request-method": "GET" } })
    expect(reply.status).toBe(405)
    expect(reply.headers.get("access-control-allow-origin")).toBeNull()
  })
})

describe("minted session tokens (item 8)", () => {
  const { send, mock } = useServer()
  const as = (token: string) => send(list, { headers: { authorization: `Bearer ${token}` } })

  it("are forgotten on reset (POST /__admin/reset), while the data set's tokens stay", async () => {
    const token = ((await send("/__admin/session-tokens", post(JSON.stringify({ linked_account_id: acme })))).body as { token: string }).token
    expect((await as(token)).status).toBe(200)
    expect((await send("/__admin/reset", { method: "POST" })).status).toBe(200)
    expect((await as(token)).status).toBe(401)
    expect((await as("tok-acme")).status).toBe(200)
  })

  it("expire after their time to live on the mock's clock, stated in their exp claim (iat is the clock's)", async () => {
    // A manual clock a year ahead of the system's: an advance past the time to live expires the
    // token, and its claims are the clock's times, not the system's.
    const manual = createMockApp({ data: small(20), clock: { speed: 0 }, onError: (e) => { throw e } })
    try {
      await manual.fetch(new Request("http://mock/__admin/clock/advance", post(JSON.stringify({ ms: 365 * 86_400_000 }))))
      const token = manual.mintSessionToken(acme)
      const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { iat: number; exp: number }
      expect(claims.iat).toBe(Math.floor(manual.clock.now() / 1000))
      expect(claims.exp - claims.iat).toBe(SessionTokens.TTL_SECONDS)
      const status = async () => (await manual.fetch(new Request(`http://mock${list}`, { headers: { authorization: `Bearer ${token}` } }))).status
      expect(await status()).toBe(200)
      manual.clock.advance(claims.exp * 1000 - manual.clock.now() - 1)
      expect(await status()).toBe(200)
      manual.clock.advance(1)
      expect(await status()).toBe(401)
    } finally {
      manual.close()
    }
  })

  it("are at most MAX_MINTED at once: minting one more forgets the oldest", async () => {
    mock().reset()
    const first = mock().mintSessionToken(acme)
    const second = mock().mintSessionToken(acme)
    for (let i = 2; i < SessionTokens.MAX_MINTED; i++) mock().mintSessionToken(acme)
    expect((await as(first)).status).toBe(200)
    mock().mintSessionToken(acme)
    expect((await as(first)).status).toBe(401)
    expect((await as(second)).status).toBe(200)
  })
})

describe("redaction by value (item 9)", () => {
  const { send, mock } = useServer({ apiKeys: ["tk-accepted-key-1"] })

  it("keeps the values of known credentials out of the journal wherever they were sent", async () => {
    mock().reset()
    const token = mock().mintSessionToken(acme)
    const secrets = [token, "tok-acme", "tk-accepted-key-1"]
    await send(`${list}?jwt=${token}`, { headers: { bearer: token } })
    await send(`${list}?q=${encodeURIComponent(`Bearer tok-acme`)}`, { headers: { "x-forwarded-authorization": "tok-acme", "x-debug": `key=tk-accepted-key-1;` } })
    await send(`${list}/tok-acme`, { headers: { "x-api-key": "tk-accepted-key-1", linked_account_id: acme } })
    await send(`/nope/${token}/x?k=v`, { headers: { "x-trace": `a${token}b` } })
    const { text, body } = await send("/__admin/requests")
    for (const secret of secrets) expect(text).not.toContain(secret)
    const urls = (body as { requests: Array<{ request: { url: string; headers: Record<string, string> } }> }).requests.map((r) => r.request)
    expect(urls[3]!.url).toBe(`${list}?jwt=%5BREDACTED%5D`)
    expect(urls[3]!.headers["bearer"]).toBe("[REDACTED]")
    expect(urls[2]!.headers["x-debug"]).toBe("key=[REDACTED];")
    expect(urls[1]!.url).toBe(`${list}/[REDACTED]`)
    expect(urls[0]!.url).toBe(`/nope/[REDACTED]/x?k=v`)
    expect(urls[0]!.headers["x-trace"]).toBe("a[REDACTED]b")
  })

  it("also redacts an unknown API key's value where it appears again in the same request", async () => {
    mock().reset()
    await send(`${list}?note=sk-unlisted-123`, { headers: { "x-api-key": "sk-unlisted-123", "x-echo": "sk-unlisted-123" } })
    const { text } = await send("/__admin/requests")
    expect(text).not.toContain("sk-unlisted-123")
  })

  it("counts patterns against the redacted entries", async () => {
    expect((await send("/__admin/requests/count", post(JSON.stringify({ headers: { "x-echo": { equalTo: "[REDACTED]" } } })))).body).toEqual({ count: 1 })
  })
})

describe("requests Node answers before the app (item 10)", () => {
  const { server } = useServer()

  it("answers a request without Host with the vendor's JSON 400", async () => {
    const { text } = await raw(server().port, `GET ${list} HTTP/1.1\r\nx-api-key: k\r\n\r\n`)
    const [head, body] = text.split("\r\n\r\n")
    expect(head).toMatch(/^HTTP\/1\.1 400 /)
    expect(head).toMatch(/content-type: application\/json; charset=utf-8/i)
    expect(JSON.parse(body!)).toMatchObject({ status_code: 400, error_code: "BAD_REQUEST", message: "Invalid request: Missing host header" })
  })

  it("answers an Expect other than 100-continue with the vendor's JSON 417", async () => {
    const { text } = await raw(server().port, `GET ${list} HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n`)
    const [head, body] = text.split("\r\n\r\n")
    expect(head).toMatch(/^HTTP\/1\.1 417 /)
    expect(JSON.parse(body!)).toMatchObject({ status_code: 417, error_code: "BAD_REQUEST", message: expect.stringContaining("teapot") })
  })

  it.each([
    ["CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"],
    ["an Upgrade request", `GET ${list} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`]
  ])("answers %s with the vendor's JSON 405, at once", async (_, bytes) => {
    const { text, timedOut } = await raw(server().port, bytes)
    expect(timedOut).toBe(false)
    const [head, body] = text.split("\r\n\r\n")
    expect(head).toMatch(/^HTTP\/1\.1 (405|400) /)
    expect(JSON.parse(body!)).toMatchObject({ error_code: expect.stringMatching(/METHOD_NOT_ALLOWED|BAD_REQUEST/) })
  })
})

describe("deeply nested values given in code (item 6's siblings)", () => {
  const deep = (depth: number): unknown => {
    let value: unknown = 1
    for (let i = 0; i < depth; i++) value = [value]
    return value
  }

  it("are refused with an error naming them, not a stack overflow", () => {
    const mock = createMockApp({ data: small(5) })
    expect(() => mock.setFaults({ latency: deep(20_000) } as never)).toThrow(/Invalid faults: nested too deeply/)
    expect(() => createMockApp({ data: small(5), faults: { errors: deep(20_000) } as never })).toThrow(/Invalid faults: nested too deeply/)
  })
})

describe("options of createMockApp that could never work", () => {
  it.each([-1, 1.5, Number.NaN, 1e12])("refuses a journal of %s requests, naming the option", (journal) => {
    expect(() => createMockApp({ data: small(2), journal })).toThrow(`Invalid journal: expected a whole number of requests from 0 (off) to 1000000, got ${journal}`)
  })

  it.each([["localhost:5173"], ["http://localhost:5173/"], ["*"], ["http://a.test", "off"]])("refuses cors %j, whose origins no browser sends, naming the origin", (...cors) => {
    const bad = cors.find((origin) => origin !== "http://a.test")!
    expect(() => createMockApp({ data: small(2), cors })).toThrow(`Invalid cors origin ${JSON.stringify(bad)}: expected an origin (scheme, host and port only) such as http://localhost:5173`)
  })

  it("takes the journal's bounds and real origins", () => {
    for (const journal of [0, 1, 1_000_000]) createMockApp({ data: small(2), journal }).close()
    createMockApp({ data: small(2), cors: ["http://localhost:5173", "https://app.example.com:8443"] }).close()
  })
})

describe("admin bodies without a Content-Type (item 6)", () => {
  const { server } = useServer()

  it("are read as JSON", async () => {
    const body = '{"faults":{"seed":6}}'
    const { text } = await raw(server().port, `POST /__admin/settings HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
    expect(text).toMatch(/^HTTP\/1\.1 200 /)
    expect(text).toContain('{"faults":{"seed":6}}')
  })
})

describe("redaction with many data set tokens (item 9)", () => {
  const many = Array.from({ length: 500 }, (_, i) => ({ linked_account_id: `acct-${i}`, org_id: accounts.acme.org_id, session_tokens: [`tok-many-${i}-secret`] }))
  const { send } = useServer({ data: { ...small(5), accounts: [...small(5).accounts, ...many] } })

  it("still redacts each of them, sent as a word of a header or in the query", async () => {
    await send(`${list}?jwt=tok-many-7-secret`, { headers: { authorization: "Bearer tok-many-499-secret", "x-note": "see tok-many-3-secret." } })
    const { text } = await send("/__admin/requests")
    for (const token of ["tok-many-7-secret", "tok-many-499-secret", "tok-many-3-secret"]) expect(text).not.toContain(token)
  })
})
