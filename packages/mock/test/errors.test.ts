import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createMockApp, serve, type MockServer, type RequestInfo } from "../src/index.js"
import { accounts, exploding, record, small } from "./support/data.js"
import { asAccount, check, kinds, useTransport } from "./support/http.js"

const acme = asAccount(accounts.acme.linked_account_id)
const list = "/api/v2/public/execution"

describe.each(kinds)("routing (%s)", (kind) => {
  const t = useTransport(kind, () => createMockApp({ data: small(10) }))

  it.each(["/", "/api/v2/public/executions", "/api/v2/public/execution/a/b", "/api/v1/public/execution", "/%FF%FE", "/api/v2/public/execution/x/nodes/1/batch", "/api/v2/public/workflow/x"])(
    "answers a vendor-style 404 for the unknown route %s",
    async (path) => {
      const reply = await t.call(path, { headers: acme })
      expect(reply.status).toBe(404)
      expect(reply.body).toMatchObject({ error_code: "ROUTE_NOT_FOUND", http_error_type: "NOT_FOUND" })
      expect((reply.body as { message: string }).message).toMatch(/^Route GET \/.* not found(; did you mean GET \/\S+\?)?$/)
    }
  )

  it.each(["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])("answers 405 with Allow for %s on a known route", async (method) => {
    for (const path of [list, `${list}/65410cf6cdf931a12d7ab009`, `${list}/`]) {
      const reply = await t.call(path, { method, headers: acme, ...(method === "POST" ? { body: "{}" } : {}) })
      expect(reply.status).toBe(405)
      expect(reply.headers.get("allow")).toBe("GET, HEAD")
      expect(reply.body).toMatchObject({ error_code: "METHOD_NOT_ALLOWED", http_error_type: "METHOD_NOT_ALLOWED" })
    }
  })

  it.each([
    ["GET", `${list}/65410cf6cdf931a12d7ab009/stop`, "POST"],
    ["PUT", `${list}/65410cf6cdf931a12d7ab009/rerun`, "POST"],
    ["POST", `${list}/65410cf6cdf931a12d7ab009/nodes/1/batches`, "GET, HEAD"],
    ["GET", "/api/v2/public/workflow/6a106ba44480b80424a65289/execute", "POST"]
  ])("answers 405 to %s %s with the contract's methods in Allow", async (method, path, allow) => {
    const reply = await t.call(path, { method, headers: acme })
    expect(reply.status).toBe(405)
    expect(reply.headers.get("allow")).toBe(allow)
    expect((reply.body as { message: string }).message).toContain(`use ${allow.replace(", HEAD", "")}`)
  })

  it("tolerates a trailing slash, as Express does", async () => {
    expect((await t.call(`${list}/?limit=1`, { headers: acme })).status).toBe(200)
    expect((await t.call(`${list}/65410cf6cdf931a12d7ab009/`, { headers: acme })).status).toBe(200)
  })

  it("gives every response its own x-request-id", async () => {
    const replies = await Promise.all([list, `${list}/65410cf6cdf931a12d7ab009`, "/nope", list].map((p, i) => t.call(p, i === 3 ? {} : { headers: acme })))
    expect(new Set(replies.map((r) => r.headers.get("x-request-id"))).size).toBe(4)
  })
})

describe("a failure inside a handler", () => {
  const errors: Array<{ error: unknown; request: RequestInfo }> = []
  const mock = createMockApp({
    data: {
      accounts: Object.values(accounts),
      executions: [
        exploding("6b0000000000000000000001", () => new TypeError("boom")),
        exploding("6b0000000000000000000002", () => "a thrown string"),
        record({ _id: "6b0000000000000000000003" })
      ]
    },
    onError: (error, request) => errors.push({ error, request })
  })
  let server: MockServer
  beforeAll(async () => {
    server = await serve(mock, { port: 0 })
  })
  afterAll(() => server.close())

  it("is a 500 with the vendor's body, reported without credentials, and the server keeps serving", async () => {
    for (const id of ["6b0000000000000000000001", "6b0000000000000000000002"]) {
      const path = `${list}/${id}`
      for (const send of [
        () => mock.fetch(new Request(`http://x${path}`, { headers: acme })),
        () => fetch(`${server.url}${path}`, { headers: acme })
      ]) {
        const reply = await check(await send(), `http://x${path}`)
        expect(reply.status).toBe(500)
        expect(reply.body).toMatchObject({ http_error_type: "INTERNAL_SERVER_ERROR", error_code: "SERVER_ERROR", message: "Internal server error" })
        expect(reply.text).not.toMatch(/boom|thrown string/)
      }
    }
    expect(errors).toHaveLength(4)
    expect(errors[0]!.error).toBeInstanceOf(TypeError)
    expect(errors[0]!.request).toEqual({ method: "GET", path: `${list}/6b0000000000000000000001`, requestId: expect.any(String) })
    expect(JSON.stringify(errors.map((e) => e.request))).not.toContain("tk-test-key")
    const after = await fetch(`${server.url}${list}/6b0000000000000000000003`, { headers: acme })
    expect(after.status).toBe(200)
  })
})
