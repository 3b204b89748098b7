/**
 * The admin API under fuzzing (issue 16): arbitrary bodies (JSON of any shape and depth, text that
 * is not JSON, bytes that are not UTF-8, any content type) and arbitrary request patterns (regexes
 * included, catastrophic ones among them) never get a 5xx, always get the vendor's error body when
 * refused, and never stall the server: every answer comes within seconds, and `health` answers
 * between them. Over TCP, against a journal of long URLs that a backtracking engine would choke on.
 */
import { ErrorBody } from "@refold-effect/contract"
import * as fc from "fast-check"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createMockApp, serve, type MockServer } from "../src/index.js"
import { accounts, small } from "./support/data.js"

const decodeError = Schema.decodeUnknownSync(ErrorBody.ErrorBody, { onExcessProperty: "error" })

/** Generous: a stalled event loop takes minutes here, a busy CI machine a second. */
const STALL_MS = 10_000

const routes = [
  ["POST", "/__admin/requests/count"],
  ["POST", "/__admin/settings"],
  ["POST", "/__admin/session-tokens"],
  ["POST", "/__admin/reset"],
  ["DELETE", "/__admin/requests"],
  ["GET", "/__admin/requests"],
  ["GET", "/__admin/settings"]
] as const

/** Regexes: arbitrary strings, regex syntax soup, and the classic catastrophic shapes. */
const regex = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.stringMatching(/^([()[\]{}*+?|^$.\\]|a|\\[dswbB1]|\{\d{1,4}(,\d{0,4})?\}|\(\?[=!<:]){1,20}$/),
  fc.constantFrom("(a+)+", "(a|a)*", "(a*)*b", "(.*a){20}", "([a-z]+)*$", "(x+x+)+y", "^(\\w+\\s?)*$", "(?=a)", "(a)\\1", "a{1001}", "\\p{L}+", "[", "(?<n>a)\\k<n>"),
  fc.constantFrom("(a+)+", "(.*)").map((s) => s.repeat(60))
)
const matcher = fc.oneof(
  fc.record({ matches: regex }),
  fc.record({ doesNotMatch: regex }),
  fc.record({ equalTo: fc.string(), caseInsensitive: fc.boolean() }, { requiredKeys: ["equalTo"] }),
  fc.record({ contains: fc.string() }),
  fc.record({ absent: fc.boolean() }),
  fc.anything({ maxDepth: 2 })
)
const pattern = fc.record(
  {
    method: fc.oneof(fc.constantFrom("GET", "ANY", "get", "POST"), fc.string({ maxLength: 8 })),
    url: fc.string({ maxLength: 40 }),
    urlPath: fc.string({ maxLength: 40 }),
    urlPattern: regex,
    urlPathPattern: regex,
    queryParameters: fc.dictionary(fc.string({ maxLength: 8 }), matcher, { maxKeys: 3 }),
    headers: fc.dictionary(fc.constantFrom("user-agent", "x-api-key", "linked_account_id", "prefer"), matcher, { maxKeys: 3 })
  },
  { requiredKeys: [] }
)
const settings = fc.oneof(
  fc.record({ faults: fc.anything({ maxDepth: 3 }) }),
  fc.record({
    faults: fc.record(
      {
        seed: fc.oneof(fc.integer(), fc.double()),
        errors: fc.record({ rate: fc.double({ min: -1, max: 2 }), statuses: fc.array(fc.integer({ min: 0, max: 999 }), { maxLength: 3 }) }),
        latency: fc.record({ type: fc.constantFrom("fixed", "uniform", "lognormal", "x"), ms: fc.integer({ min: -5, max: 10 }) }),
        arrivals: fc.record({ account: fc.constantFrom(accounts.acme.linked_account_id, "nobody"), everyRequests: fc.integer({ min: -1, max: 5 }) })
      },
      { requiredKeys: [] }
    )
  })
)
const nested = fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.constantFrom(["[", "]"], ['{"a":', "}"])).map(([n, [open, close]]) => `${open.repeat(n)}${open === "[" ? "" : "1"}${close.repeat(n)}`)

/** A body as bytes on the wire, and the content type it is sent with. */
const body = fc.record({
  text: fc.oneof(
    pattern.map((p) => JSON.stringify(p)),
    settings.map((s) => JSON.stringify(s)),
    fc.record({ linked_account_id: fc.oneof(fc.string(), fc.constantFrom(accounts.acme.linked_account_id), fc.anything({ maxDepth: 1 })) }).map((b) => JSON.stringify(b)),
    fc.json({ maxDepth: 6 }),
    nested,
    fc.string({ maxLength: 200 }),
    fc.constant("")
  ),
  binary: fc.option(fc.uint8Array({ maxLength: 64 }), { freq: 8 }),
  contentType: fc.oneof(
    fc.constantFrom("application/json", "application/json; charset=utf-8", "application/merge-patch+json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""),
    fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 })
  )
})

describe("admin API fuzzing", () => {
  const mock = createMockApp({ data: small(20), onError: (e) => { throw new Error(`unexpected internal error: ${String(e)}`) } })
  let server: MockServer
  beforeAll(async () => {
    server = await serve(mock, { port: 0 })
  })
  afterAll(() => server.close())

  /** Long, repetitive URLs in the journal: what catastrophic regexes feed on. */
  const seedJournal = async () => {
    for (const path of [`/${"a".repeat(3000)}!`, `/api/v2/public/execution?q=${"a".repeat(3000)}!`, `/${"ab".repeat(1500)}`]) {
      await fetch(`${server.url}${path}`, { headers: { "user-agent": "a".repeat(2000), "x-api-key": "k", linked_account_id: accounts.acme.linked_account_id } })
    }
  }

  const send = async (method: string, path: string, init: RequestInit) => {
    const started = Date.now()
    const response = await fetch(`${server.url}${path}`, { ...init, method, signal: AbortSignal.timeout(STALL_MS) })
    const text = await response.text()
    expect(Date.now() - started, `${method} ${path} answered within ${STALL_MS} ms`).toBeLessThan(STALL_MS)
    return { response, text }
  }

  it("never answers 5xx nor stalls, whatever the body, its content type or its regexes", async () => {
    await seedJournal()
    let calls = 0
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), body, async ([method, path], { text, binary, contentType }) => {
        const headers: Record<string, string> = contentType === "" ? {} : { "content-type": contentType }
        const init: RequestInit = method === "GET" ? { headers } : { headers, body: binary ?? text }
        try {
          new Request(server.url, { method, ...init })
        } catch {
          fc.pre(false) // a content type fetch refuses to send
        }
        const { response, text: answer } = await send(method, path, init)
        expect(response.status, `${method} ${path} ${text.slice(0, 200)} -> ${answer.slice(0, 300)}`).toBeLessThan(500)
        expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8")
        const parsed: unknown = JSON.parse(answer)
        if (response.status >= 400) {
          const error = decodeError(parsed)
          expect(error.status_code).toBe(response.status)
          expect(error.request_id).toBe(response.headers.get("x-request-id"))
          expect(error.message).not.toBe("")
        }
        // The journal is emptied or reset now and then: fill it again.
        if (++calls % 25 === 0) {
          mock.reset()
          await seedJournal()
        }
        expect((await send("GET", "/__admin/health", {})).response.status).toBe(200)
      }),
      { numRuns: 300 }
    )
    mock.reset()
  })

  it("counts any pattern it accepts without a 5xx or a stall", async () => {
    mock.reset()
    await seedJournal()
    await fc.assert(
      fc.asyncProperty(pattern, async (p) => {
        const { response, text } = await send("POST", "/__admin/requests/count", { headers: { "content-type": "application/json" }, body: JSON.stringify(p) })
        expect(response.status, `${JSON.stringify(p)} -> ${text}`).toBeLessThan(500)
        if (response.status === 200) expect(JSON.parse(text)).toEqual({ count: expect.any(Number) })
        else expect(JSON.parse(text)).toMatchObject({ status_code: 400, error_code: "INVALID_ADMIN_REQUEST" })
      }),
      { numRuns: 300 }
    )
  })
})
