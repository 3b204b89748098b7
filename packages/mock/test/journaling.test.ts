/**
 * What an app journals, in-process and over TCP alike: the status and `x-request-id` of each answer,
 * whether the app answered at once (a plain request, a 401, a 500 from a throwing handler) or
 * later (a 404, a forced error, a delay, a fault), and the headers as the client sent them, secrets
 * redacted. And the handler `serve` runs: the `Response` itself when the app answered at once.
 */
import { connect } from "node:net"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { createMockApp, handler, serve, type Journal, type MockServer } from "../src/index.js"
import { accounts, exploding, small } from "./support/data.js"
import { asAccount, kinds } from "./support/http.js"

const acme = asAccount(accounts.acme.linked_account_id, "tk-journal-secret")
const list = "/api/v2/public/execution"
const known = small(10).executions.find((e) => e.linked_account_id === accounts.acme.linked_account_id)!._id

const broken = exploding("6b00000000000000000000ff", () => new TypeError("boom"))

const make = () => {
  const data = small(10)
  return createMockApp({ data: { ...data, executions: [...data.executions, broken] }, onError: () => undefined })
}

describe.each(kinds)("journaling (%s)", (kind) => {
  const mock = make()
  let server: MockServer | undefined
  beforeAll(async () => {
    if (kind === "tcp") server = await serve(mock, { port: 0 })
  })
  afterAll(() => server?.close())
  beforeEach(() => mock.reset())

  const send = (path: string, headers: Record<string, string>): Promise<Response> =>
    server === undefined ? mock.fetch(new Request(`http://mock.test${path}`, { headers })) : fetch(`${server.url}${path}`, { headers })

  it.each([
    { name: "a plain request", path: `${list}?limit=1`, headers: acme, status: 200 },
    { name: "a request without credentials", path: list, headers: {}, status: 401 },
    { name: "a handler that throws", path: `${list}/${broken._id}`, headers: acme, status: 500 },
    { name: "an unknown route", path: "/nope", headers: acme, status: 404 },
    { name: "a forced error", path: list, headers: { ...acme, prefer: "code=503" }, status: 503, fault: "code=503" },
    { name: "a delay", path: `${list}/${known}`, headers: { ...acme, prefer: "delay=5" }, status: 200 },
    { name: "a malformed body", path: `${list}?__fault=malformed`, headers: acme, status: 200, fault: "malformed" }
  ])("records $name with the status and x-request-id it was answered", async ({ path, headers, status, fault }) => {
    const response = await send(path, headers)
    await response.text()
    expect(response.status).toBe(status)
    const [entry, ...rest] = mock.journal.requests()
    expect(rest).toEqual([])
    expect(entry!.id).toBe(response.headers.get("x-request-id"))
    expect(entry!.response).toEqual(fault === undefined ? { status } : { status, fault })
    expect(entry!.request.url).toBe(path)
  })

  it("leaves out the admin API's requests, also with a percent-escaped path, and only those", async () => {
    for (const path of ["/__admin/health", "/%5F_admin/health", "/__admin/requests?limit=%31"]) expect((await send(path, {})).status).toBe(200)
    expect(mock.journal.requests()).toEqual([])
    expect((await send(`${list}?limit=1&status=%45RRORED`, acme)).status).toBe(200)
    expect(mock.journal.requests().map((e) => e.request.url)).toEqual([`${list}?limit=1&status=%45RRORED`])
  })
})

/** Sends a GET over TCP with these header lines, repeated names included, and resolves with the status. */
const rawGet = (server: MockServer, path: string, lines: ReadonlyArray<readonly [string, string]>) =>
  new Promise<number>((resolve, reject) => {
    let received = ""
    const socket = connect(server.port, "127.0.0.1", () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n${lines.map(([n, v]) => `${n}: ${v}\r\n`).join("")}Connection: close\r\n\r\n`)
    )
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")))
    socket.on("end", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0)))
    socket.on("error", reject)
  })

describe("journaled headers", () => {
  const mock = make()
  let server: MockServer
  beforeAll(async () => {
    server = await serve(mock, { port: 0 })
  })
  afterAll(() => server.close())
  beforeEach(() => mock.reset())

  it("are the same over TCP as in-process: lower-case names, repeated headers joined, secrets redacted", async () => {
    const lines = [
      ["X-Api-Key", "tk-journal-secret"],
      ["Linked_Account_Id", accounts.acme.linked_account_id],
      ["X-Trace", "a"],
      ["x-trace", "b"],
      ["Authorization", "Basic c2VjcmV0"],
      ["authorization", "Basic b3RoZXI="],
      ["Cookie", "sid=cookie-secret"],
      ["User-Agent", "journal-test"]
    ] as const
    const path = `${list}?limit=2&access_token=query-secret`
    expect(await rawGet(server, path, lines)).toBe(200)
    const headers = new Headers()
    for (const [name, value] of lines) headers.append(name, value)
    expect((await mock.fetch(new Request(`http://mock.test${path}`, { headers }))).status).toBe(200)

    const [inProcess, overTcp] = mock.journal.requests() as [Journal.Entry, Journal.Entry]
    const { host, connection, ...sent } = overTcp.request.headers
    expect(host).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(connection).toBe("close")
    expect(sent).toEqual(inProcess.request.headers)
    expect(sent).toEqual({
      authorization: "[REDACTED]",
      cookie: "[REDACTED]",
      linked_account_id: accounts.acme.linked_account_id,
      "user-agent": "journal-test",
      "x-api-key": "[REDACTED]",
      "x-trace": "a, b"
    })
    expect(overTcp.request.url).toBe(inProcess.request.url)
    expect(overTcp.request.query).toEqual({ limit: ["2"], access_token: ["[REDACTED]"] })
    const text = JSON.stringify(mock.journal.requests())
    for (const secret of ["tk-journal-secret", "c2VjcmV0", "b3RoZXI=", "cookie-secret", "query-secret"]) expect(text).not.toContain(secret)
  })

  it("keep a request whose URL and headers are long as it was sent, secrets redacted", async () => {
    const long = "v".repeat(3000)
    const path = `${list}?limit=1&${"x".repeat(500)}=1`
    expect(await rawGet(server, path, [["X-Api-Key", "tk-journal-secret"], ["linked_account_id", accounts.acme.linked_account_id], ["X-Long", long]])).toBe(200)
    const [entry] = mock.journal.requests()
    expect(entry!.request.url).toBe(path)
    expect(entry!.request.headers).toMatchObject({ "x-api-key": "[REDACTED]", "x-long": long })
    expect(JSON.stringify(entry)).not.toContain("tk-journal-secret")
  })
})

describe("handler", () => {
  const mock = make()

  it("returns the Response itself when the app answers at once, and a promise when it waits", async () => {
    const plain = handler(mock)(new Request(`http://mock.test${list}?limit=1`, { headers: acme }))
    expect(plain).toBeInstanceOf(Response)
    expect((plain as Response).status).toBe(200)
    const delayed = handler(mock)(new Request(`http://mock.test${list}?limit=1`, { headers: { ...acme, prefer: "delay=1" } }))
    expect(delayed).toBeInstanceOf(Promise)
    expect((await delayed).status).toBe(200)
  })

  it("never throws: what a handler throws, even not an Error, is the vendor's 500, journaled", () => {
    const thrown = createMockApp({ data: { accounts: Object.values(accounts), executions: [exploding(broken._id, () => "not an Error")] }, onError: () => undefined })
    const response = handler(thrown)(new Request(`http://mock.test${list}/${broken._id}`, { headers: acme }))
    expect(response).toBeInstanceOf(Response)
    expect((response as Response).status).toBe(500)
    const [entry] = thrown.journal.requests()
    expect(entry!.id).toBe((response as Response).headers.get("x-request-id"))
    expect(entry!.response).toEqual({ status: 500 })
  })

  it("serves a handle you replaced as it is", async () => {
    const replaced = { ...mock, handle: () => new Response("replaced") }
    expect(await (await handler(replaced)(new Request("http://mock.test/"))).text()).toBe("replaced")
    const server = await serve(replaced, { port: 0 })
    try {
      expect(await (await fetch(server.url)).text()).toBe("replaced")
    } finally {
      await server.close()
    }
  })
})

describe("journal times", () => {
  it("are the app's clock's, as a run's createdAt is: a manual clock moved a day on journals the request a day on", async () => {
    const mock = createMockApp({ data: small(10), clock: { speed: 0 } })
    const start = mock.clock.now()
    mock.clock.advance(86_400_000)
    await mock.fetch(new Request(`http://mock.test${list}?limit=1`, { headers: acme }))
    const [entry] = mock.journal.requests()
    expect(entry!.loggedDate).toBe(start + 86_400_000)
    expect(entry!.loggedDateString).toBe(new Date(start + 86_400_000).toISOString())
    mock.close()
  })
})
