/**
 * The Promise facade against the mock over TCP: same results, rejections with the SDK's own error
 * classes, AbortSignal, `for await` with `break`, and `close()`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { defaultReadAhead } from "../src/Executions.js"
import { type ClientOptions, createRefoldClient, InvalidArgument, RefoldError, NotFound, type RefoldClient, Timeout, Unauthorized } from "../src/promise.js"
import * as Faults from "./support/Faults.js"
import { API_KEY, fast } from "./support/layers.js"
import { start } from "./support/mock.js"
import { rejectionOf } from "./support/waits.js"

const ACCOUNT = "user_12345"
const KNOWN = "65410cf6cdf931a12d7ab009"

/** A client for the scope, closed with it. */
const client = (baseUrl: string, credentials: ClientOptions = { apiKey: API_KEY, linkedAccountId: ACCOUNT }, options = {}) =>
  Effect.acquireRelease(
    Effect.sync(() => createRefoldClient({ ...credentials, ...fast, ...options, baseUrl })),
    (c) => Effect.promise(() => c.close())
  )


const collect = async <A>(iterable: AsyncIterable<A>): Promise<Array<A>> => {
  const out: Array<A> = []
  for await (const a of iterable) out.push(a)
  return out
}

describe("createRefoldClient", () => {
  it.scopedLive("list and get resolve with the decoded page and execution", () =>
    Effect.gen(function*() {
      const mock = yield* start("tcp")
      const refold = yield* client(mock.url)
      const [page, detail] = yield* Effect.promise(() => Promise.all([refold.executions.list({ limit: 3 }), refold.executions.get(KNOWN)]))
      expect(page.docs.map((d) => d._id)).toEqual(mock.mock.store.executions(ACCOUNT).slice(0, 3).map((d) => d._id))
      expect(detail._id).toBe(KNOWN)
    }))

  it.scopedLive("a session token works too", () =>
    Effect.gen(function*() {
      const mock = yield* start("tcp")
      const refold = yield* client(mock.url, { sessionToken: mock.mock.mintSessionToken(ACCOUNT) })
      const page = yield* Effect.promise(() => refold.executions.list())
      expect(page.totalDocs).toBe(mock.mock.store.executions(ACCOUNT).length)
    }))

  it.scopedLive("rejects with the SDK's error classes, not a FiberFailure", () =>
    Effect.gen(function*() {
      const mock = yield* start("tcp", { apiKeys: [API_KEY] })
      const refold = yield* client(mock.url)
      const notFound = yield* Effect.promise(() => rejectionOf(refold.executions.get("0123456789abcdef01234567")))
      expect(notFound).toBeInstanceOf(NotFound)
      expect(notFound).toBeInstanceOf(Error)
      expect(notFound).toMatchObject({ _tag: "NotFound", status: 404, errorCode: "RESOURCE_NOT_FOUND" })
      const bad = yield* Effect.promise(() => rejectionOf(refold.executions.list({ limit: 0 })))
      expect(bad).toBeInstanceOf(InvalidArgument)
      const wrongKey = yield* client(mock.url, { apiKey: "tk_wrong", linkedAccountId: ACCOUNT })
      const unauthorized = yield* Effect.promise(() => rejectionOf(wrongKey.executions.list()))
      expect(unauthorized).toBeInstanceOf(Unauthorized)
      expect(String(unauthorized)).not.toContain("tk_wrong")
    }))

  it.scopedLive("the per-attempt timeout turns a hanging get into Timeout", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.hang)
      const refold = yield* client(server.url, undefined, { timeout: 100, maxRetries: 1 })
      const error = yield* Effect.promise(() => rejectionOf(refold.executions.get(KNOWN)))
      expect(error).toBeInstanceOf(Timeout)
      expect(server.count()).toBe(2)
    }))

  it.scopedLive("an AbortSignal cancels the call and its request, rejecting with the signal's reason", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.hang)
      const refold = yield* client(server.url, undefined, { timeout: 30_000 })
      const controller = new AbortController()
      const pending = rejectionOf(refold.executions.get(KNOWN, { signal: controller.signal }))
      yield* Effect.promise(() => server.waitFor(1))
      controller.abort()
      const error = yield* Effect.promise(() => pending)
      expect(error).toBe(controller.signal.reason)
      expect((error as Error).name).toBe("AbortError")
      expect(yield* Effect.promise(() => server.abandonedAtLeast(1))).toBe(1)
      const already = yield* Effect.promise(() => rejectionOf(refold.executions.list({}, { signal: AbortSignal.abort() })))
      expect((already as Error).name).toBe("AbortError")
      expect(server.count()).toBe(1)
    }))
})

describe("executions.iterate", () => {
  it.scopedLive("yields every execution across all pages", () =>
    Effect.gen(function*() {
      const mock = yield* start("tcp")
      const refold = yield* client(mock.url)
      const all = yield* Effect.promise(() => collect(refold.executions.iterate({ limit: 25 })))
      expect(all.map((e) => e._id)).toEqual(mock.mock.store.executions(ACCOUNT).map((e) => e._id))
    }))

  // With read-ahead (the default), test/readAhead.test.ts.
  it.scopedLive("page by page, break stops fetching: no request beyond the pages consumed", () =>
    Effect.gen(function*() {
      const mock = yield* start("tcp")
      const refold = yield* client(mock.url)
      const seen = yield* Effect.promise(async () => {
        const out: Array<string> = []
        for await (const execution of refold.executions.iterate({ limit: 5, readAhead: 0 })) {
          out.push(execution._id)
          if (out.length === 7) break
        }
        return out
      })
      expect(seen).toHaveLength(7)
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 100)))
      expect(mock.requests).toEqual(["/api/v2/public/execution?limit=5&page=1", "/api/v2/public/execution?limit=5&page=2"])
    }))

  it.scopedLive("leaving while pages are in flight aborts every one of them", () =>
    Effect.gen(function*() {
      const mock = yield* start("tcp", { hold: (url) => Number(url.searchParams.get("page")) >= 2 })
      const refold = yield* client(mock.url, undefined, { timeout: 30_000 })
      const iterator = refold.executions.iterate({ limit: 5 })[Symbol.asyncIterator]()
      for (let i = 0; i < 5; i++) yield* Effect.promise(() => iterator.next())
      const pending = iterator.next() // page 2 and the pages read ahead after it: the server holds them
      const sent = 1 + defaultReadAhead
      yield* Effect.promise(async () => {
        for (let i = 0; i < 500 && mock.requests.length < sent; i++) await new Promise((r) => setTimeout(r, 10))
      })
      expect(mock.requests).toHaveLength(sent)
      yield* Effect.promise(() => iterator.return!())
      expect(yield* Effect.promise(() => pending)).toEqual({ done: true, value: undefined })
      yield* Effect.promise(async () => {
        for (let i = 0; i < 500 && mock.aborted() < defaultReadAhead; i++) await new Promise((r) => setTimeout(r, 10))
      })
      expect(mock.aborted()).toBe(defaultReadAhead)
      expect(mock.inFlight()).toBe(0)
      expect(yield* Effect.promise(() => iterator.next())).toEqual({ done: true, value: undefined })
      expect(mock.requests).toHaveLength(sent)
    }))

  it.scopedLive("a failure mid-iteration rejects the loop with the SDK's error class", () =>
    Effect.gen(function*() {
      const mock = yield* start("tcp", { apiKeys: [API_KEY] })
      const refold = yield* client(mock.url, { apiKey: "tk_wrong", linkedAccountId: ACCOUNT })
      const error = yield* Effect.promise(() => rejectionOf(collect(refold.executions.iterate())))
      expect(error).toBeInstanceOf(Unauthorized)
    }))

  it.scopedLive("an AbortSignal ends the iteration with the signal's reason", () =>
    Effect.gen(function*() {
      const mock = yield* start("tcp", { hold: (url) => url.searchParams.get("page") === "2" })
      const refold = yield* client(mock.url, undefined, { timeout: 30_000 })
      const controller = new AbortController()
      const pending = rejectionOf(collect(refold.executions.iterate({ limit: 5 }, { signal: controller.signal })))
      yield* Effect.promise(async () => {
        for (let i = 0; i < 500 && mock.requests.length < 2; i++) await new Promise((r) => setTimeout(r, 10))
      })
      controller.abort()
      const error = yield* Effect.promise(() => pending)
      expect((error as Error).name).toBe("AbortError")
    }))
})

describe("construction and close", () => {
  it("throws InvalidArgument (a RefoldError) naming a malformed credential or option, never showing a secret", () => {
    expect(() => createRefoldClient({ apiKey: "", linkedAccountId: ACCOUNT })).toThrow(InvalidArgument)
    // CR/LF in a credential: a typed error, not Node's TypeError from setting the header.
    for (const bad of ["tk_secret\nx", "tk_secret\r\nx-injected: 1"]) {
      const thrown = (() => {
        try {
          createRefoldClient({ apiKey: bad, linkedAccountId: ACCOUNT })
        } catch (error) {
          return error
        }
      })()
      expect(thrown).toBeInstanceOf(InvalidArgument)
      expect(thrown).toBeInstanceOf(RefoldError)
      expect(thrown).toMatchObject({ _tag: "InvalidArgument", parameter: "apiKey" })
      expect(String(thrown)).toMatch(/apiKey must be/)
      expect(String(thrown)).not.toContain("tk_secret")
    }
    expect(() => createRefoldClient({ apiKey: "tk_a", linkedAccountId: "user\r\n1" })).toThrow(/linkedAccountId must be/)
    expect(() => createRefoldClient({ sessionToken: " " })).toThrow(/sessionToken must be/)
    expect(() => createRefoldClient({ apiKey: "tk_a", linkedAccountId: ACCOUNT, timeout: -1 })).toThrow(/timeout/)
    expect(() => createRefoldClient({ apiKey: "tk_a", linkedAccountId: ACCOUNT, baseUrl: "not a url" })).toThrow(/baseUrl/)
  })

  it.scopedLive("close interrupts calls in flight; later calls reject", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(Faults.hang)
      const refold: RefoldClient = createRefoldClient({ apiKey: API_KEY, linkedAccountId: ACCOUNT,  ...fast, timeout: 30_000, baseUrl: server.url })
      const pending = rejectionOf(refold.executions.get(KNOWN))
      yield* Effect.promise(() => server.waitFor(1))
      yield* Effect.promise(() => refold.close())
      const error = yield* Effect.promise(() => pending)
      expect(String(error)).toBe("ClientClosed: RefoldClient was closed while the call was in flight")
      expect(yield* Effect.promise(() => server.abandonedAtLeast(1))).toBe(1)
      const after = yield* Effect.promise(() => rejectionOf(refold.executions.list()))
      expect(String(after)).toContain("closed")
    }))
})
