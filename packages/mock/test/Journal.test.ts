/** The journal on its own: the ring, redaction of headers and query values, and prototype-free records. */
import { describe, expect, it } from "vitest"
import { Journal } from "../src/index.js"

const request = (url: string, headers: Record<string, string> = {}) => new Request(url, { headers })

describe("Journal", () => {
  it("keeps the newest `capacity` entries, newest first, and counts only those", () => {
    const journal = Journal.make(2)
    for (const n of [1, 2, 3]) journal.record(request(`http://x/p?n=${n}`)).answered(`id-${n}`, 200)
    expect(journal.requests().map((e) => [e.id, e.request.url])).toEqual([["id-3", "/p?n=3"], ["id-2", "/p?n=2"]])
    expect(journal.count({ queryParameters: { n: { matches: "[0-9]" } } })).toBe(2)
    journal.clear()
    expect(journal.requests()).toEqual([])
  })

  it("redacts secret headers and query values, and keeps everything else as sent", () => {
    const journal = Journal.make()
    journal.record(
      request("http://x/api?api_key=k-123&page=2&access_token=t-456&status=ERRORED", {
        "x-api-key": "k-789",
        "x-session-token": "t-000",
        "proxy-authorization": "Basic abc",
        linked_account_id: "acme",
        "user-agent": "ua"
      })
    )
    const [entry] = journal.requests()
    const text = JSON.stringify(entry)
    for (const secret of ["k-123", "t-456", "k-789", "t-000", "Basic abc"]) expect(text).not.toContain(secret)
    expect(entry!.request.url).toBe("/api?api_key=%5BREDACTED%5D&page=2&access_token=%5BREDACTED%5D&status=ERRORED")
    expect(entry!.request.query).toEqual({ api_key: ["[REDACTED]"], page: ["2"], access_token: ["[REDACTED]"], status: ["ERRORED"] })
    expect(entry!.request.headers).toEqual({
      "x-api-key": "[REDACTED]",
      "x-session-token": "[REDACTED]",
      "proxy-authorization": "[REDACTED]",
      linked_account_id: "acme",
      "user-agent": "ua"
    })
    expect(entry!.response).toBeUndefined()
  })

  it("records parameters and headers named like Object's own properties as plain data", () => {
    const journal = Journal.make()
    journal.record(request("http://x/p?toString=1&__proto__=2&constructor=3", { "x-tostring": "h" })).answered("id", 404)
    const [entry] = journal.requests()
    expect(entry!.request.query["toString"]).toEqual(["1"])
    expect(entry!.request.query["__proto__"]).toEqual(["2"])
    expect(journal.count({ queryParameters: { constructor: { equalTo: "3" } } })).toBe(1)
    expect(journal.count({ queryParameters: { hasOwnProperty: { absent: true } } })).toBe(1)
  })

  it("keeps each request's raw headers as sent, while the ring wraps over requests sent with the same and with other headers", () => {
    const journal = Journal.make(3)
    const sent = [["A", "1"], ["A", "1"], ["B", "2"], ["A", "1"], ["C", "3", "c", "4"], ["C", "3", "c", "4"], ["A", "1"]]
    sent.forEach((raw, n) => journal.record(request(`http://x/p?n=${n}`), raw).answered(`id-${n}`, 200))
    expect(journal.requests().map((e) => [e.request.url, e.request.headers])).toEqual([
      ["/p?n=6", { a: "1" }],
      ["/p?n=5", { c: "3, 4" }],
      ["/p?n=4", { c: "3, 4" }]
    ])
  })

  it.each(["x-api-key", "authorization", "cookie", "set-cookie", "x-auth-token", "session_id", "client_secret", "password", "apikey"])("treats %s as a secret", (name) => {
    expect(Journal.isSecret(name)).toBe(true)
  })

  it.each(["linked_account_id", "user-agent", "prefer", "x-request-id", "keep-alive", "content-type", "status", "page", "monkey"])("keeps %s as sent", (name) => {
    expect(Journal.isSecret(name)).toBe(false)
  })
})
