/**
 * No input yields a 5xx: arbitrary query strings, paths and header values, in-process and over TCP,
 * always get a 2xx that decodes or a 4xx with the vendor's error body (`check` enforces both). And
 * what Node's HTTP parser rejects before the app still gets the vendor's body.
 */
import * as fc from "fast-check"
import { connect } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createMockApp, serve, type MockServer } from "../src/index.js"
import { accounts, small } from "./support/data.js"
import { inProcess, overTcp, type Transport } from "./support/http.js"

const names = ["page", "limit", "status", "execution_source", "execution_type", "start_date", "end_date"]
const percentGarbage = fc.stringMatching(/^(%[0-9A-Za-z]{0,2}|[+&=[\]#?]|\\u[0-9a-f]{4}){1,8}$/)
const binary = fc.string({ unit: "binary", maxLength: 40 }).map(encodeURIComponent)
const unicode = fc.string({ unit: "grapheme", maxLength: 40 })
const huge = fc.tuple(fc.constantFrom("9", "A", "%FF", "é", "\u{1F600}"), fc.integer({ min: 100, max: 1500 })).map(([s, n]) => s.repeat(n))
const value = fc.oneof(
  fc.constantFrom("1", "10", "All", "ERRORED", "API Call", "API_CALL", "SYNC", "2024-03-01", "2024-02-30", "2024-03-01T00:00:00Z", ""),
  fc.integer({ min: -5, max: 2_000_000_000 }).map(String),
  fc.string({ maxLength: 20 }),
  unicode,
  binary,
  percentGarbage,
  huge
)
const name = fc.oneof(fc.constantFrom(...names), fc.constantFrom(...names).map((n) => `${n}[]`), fc.string({ maxLength: 12 }), percentGarbage)
const pair = fc.tuple(name, value, fc.boolean()).map(([n, v, raw]) => (raw ? `${n}=${v}` : `${encodeURIComponent(n)}=${encodeURIComponent(v)}`))
const queryString = fc.array(pair, { maxLength: 8 }).map((pairs) => pairs.join("&"))

const segment = fc.oneof(fc.constantFrom("api", "v2", "public", "execution", "65410cf6cdf931a12d7ab009", "..", ".", "", "%2F", "%00"), fc.string({ maxLength: 12 }), binary, percentGarbage, unicode)
const id = fc.oneof(fc.constantFrom("65410cf6cdf931a12d7ab009", "65410CF6CDF931A12D7AB009", "000000000000000000000000", "64f7258e35b72267edc02589"), segment)
const path = fc.oneof(
  fc.array(segment, { maxLength: 7 }).map((s) => `/${s.join("/")}`),
  segment.map((s) => `/api/v2/public/execution/${s}`),
  fc.constant("/api/v2/public/execution"),
  // The routes that change data, and the batches of a node, with good and bad ids.
  fc.tuple(id, fc.constantFrom("stop", "rerun")).map(([i, action]) => `/api/v2/public/execution/${i}/${action}`),
  fc.tuple(id, segment).map(([i, node]) => `/api/v2/public/execution/${i}/nodes/${node}/batches`),
  id.map((i) => `/api/v2/public/workflow/${i}/execute`)
)
const body = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom("", "{}", '{"payload":{"a":1}}', "[]", "null", "42", '"x"', "{", "not json", "\u0000"),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 })
)

const headerValue = fc.oneof(
  fc.constantFrom("", " ", "tok-acme", "Bearer tok-acme", "Bearer ", "acme@example.com", "globex"),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 30 }),
  huge.map((s) => s.slice(0, 3000))
)
const headers = fc.record(
  {
    "x-api-key": headerValue,
    linked_account_id: headerValue,
    authorization: headerValue.map((v) => (v.startsWith("Bearer") ? v : `Bearer ${v}`)),
    slug: fc.oneof(fc.constantFrom("slack", "hubspot", "", " "), headerValue),
    sync_execution: fc.constantFrom("true", "false", "", "yes"),
    "content-type": fc.constantFrom("application/json", "text/plain")
  },
  { requiredKeys: [] }
)
const method = fc.constantFrom("GET", "GET", "GET", "HEAD", "POST", "POST", "DELETE")

/** A request `fetch` can send at all (a `Headers` or URL it refuses never reaches a server). */
const sendable = (url: string, init: RequestInit) => {
  try {
    new Request(url, init)
    return true
  } catch {
    return false
  }
}

const request = fc.record({ path, query: queryString, headers, method, body })

const noServerError = (t: Transport, base: string) =>
  fc.asyncProperty(request, async ({ path, query, headers, method, body }) => {
    const target = `${path}${query === "" ? "" : `?${query}`}`
    const init = { method, headers, ...(method === "POST" && body !== undefined ? { body } : {}) }
    fc.pre(sendable(`${base}${target}`, init))
    const reply = await t.call(target, init).catch((error: unknown) => {
      // undici refuses some header values that `new Request` accepts; such a request is never sent.
      fc.pre(!(error instanceof TypeError && (error.cause as Error | undefined)?.name === "InvalidArgumentError"))
      throw error
    })
    expect(reply.status).toBeLessThan(500)
  })

describe("robustness", () => {
  const mock = createMockApp({ data: small(40), onError: (e) => { throw new Error(`unexpected internal error: ${String(e)}`) } })
  let server: MockServer
  beforeAll(async () => {
    server = await serve(mock, { port: 0 })
  })
  afterAll(() => server.close())

  it("never answers 5xx in-process, whatever the query, path, headers or method", async () => {
    await fc.assert(noServerError(inProcess(mock), "http://mock.test"), { numRuns: 1500 })
  })

  it("never answers 5xx over TCP either", async () => {
    await fc.assert(noServerError(overTcp(mock, server), server.url), { numRuns: 250 })
  })

  it("answers the authenticated list well for any query made of known parameters", async () => {
    const t = inProcess(mock)
    const known = fc.array(fc.tuple(fc.constantFrom(...names), value), { maxLength: 5 }).map((pairs) => new URLSearchParams(pairs).toString())
    await fc.assert(
      fc.asyncProperty(known, async (query) => {
        const reply = await t.call(`/api/v2/public/execution?${query}`, { headers: { "x-api-key": "k", linked_account_id: accounts.acme.linked_account_id } })
        expect([200, 400]).toContain(reply.status)
        if (reply.status === 400) expect((reply.body as { message: string }).message).toMatch(/query parameters? /)
      }),
      { numRuns: 1000 }
    )
  })

  const raw = (bytes: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, "127.0.0.1", () => socket.end(Buffer.from(bytes, "latin1")))
      let out = ""
      socket.on("data", (chunk) => (out += chunk.toString("latin1")))
      socket.on("end", () => resolve(out))
      socket.on("error", reject)
    })

  const parse = (response: string) => {
    const [head, body] = response.split("\r\n\r\n")
    const status = Number(head!.split(" ")[1])
    const requestId = /x-request-id: (\S+)/i.exec(head!)?.[1]
    return { status, requestId, body: JSON.parse(body!) as { status_code: number; request_id: string; http_error_type: string } }
  }

  it.each([
    ["a binary request line", "GET /\u0000\u00ff HTTP/1.1\r\nHost: x\r\n\r\n", 400],
    ["a malformed request line", "HELLO\r\n\r\n", 400],
    ["an invalid header", "GET / HTTP/1.1\r\nHost: x\r\nBad Header: \u0000\r\n\r\n", 400],
    ["oversized headers", `GET / HTTP/1.1\r\nHost: x\r\nx-api-key: ${"k".repeat(70_000)}\r\n\r\n`, 431],
    ["an invalid Host", "GET /api/v2/public/execution HTTP/1.1\r\nHost: a b\r\n\r\n", 400]
  ])("answers %s, which Node rejects before the app, with the vendor's body", async (_, bytes, status) => {
    const reply = parse(await raw(bytes))
    expect(reply.status).toBe(status)
    expect(reply.body).toMatchObject({ status_code: status, error_code: "BAD_REQUEST" })
    expect(reply.body.request_id).toBe(reply.requestId)
    const after = await fetch(`${server.url}/api/v2/public/execution`, { headers: { authorization: "Bearer tok-acme" } })
    expect(after.status).toBe(200)
  })
})
