/**
 * Global faults: decoding with messages that name the field, a seeded and reproducible injector,
 * latency distributions, and the faults an app applies (in-process and over TCP), including
 * simulated arrivals that shift offset pagination.
 */
import { Either } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createMockApp, Faults, MockClock, serve, type MockServer } from "../src/index.js"
import { accounts, small } from "./support/data.js"
import { asAccount, inProcess } from "./support/http.js"

const acme = asAccount(accounts.acme.linked_account_id)
const list = "/api/v2/public/execution"

describe("Faults.decode", () => {
  it.each([
    [{ errors: { rate: 2 } }, "Invalid faults.errors.rate:"],
    [{ errorRate: 0.1 }, "Invalid faults.errorRate:"],
    [{ latency: { type: "uniform", lower: 50, upper: 10 } }, "lower (50) is above upper (10)"],
    [{ latency: { type: "gaussian" } }, "Invalid faults.latency"],
    [{ errors: { rate: 0.6 }, resets: { rate: 0.6 } }, "errors.rate + rateLimit.rate + resets.rate is 1.2, above 1"],
    [{ errors: { rate: 0.1, statuses: [200] } }, "Invalid faults.errors.statuses.0:"],
    [{ arrivals: { account: "acme" } }, "give exactly one of everyRequests and everyMs"],
    [[], "Invalid faults:"]
  ])("refuses %j with a message naming the field", (input, message) => {
    const result = Faults.decode(input)
    expect(Either.isLeft(result)).toBe(true)
    expect(Either.isLeft(result) && result.left).toContain(message)
  })

  it("accepts every documented shape", () => {
    const faults = {
      seed: 42,
      latency: { type: "lognormal", median: 40, sigma: 0.5, max: 2000 },
      errors: { rate: 0.05, statuses: [500, 503] },
      rateLimit: { rate: 0.1, retryAfter: 2 },
      resets: { rate: 0.01 },
      arrivals: { account: "user_12345", everyRequests: 3 }
    }
    expect(Faults.decode(faults)).toEqual(Either.right(faults))
  })
})

describe("Faults.injector", () => {
  const faults: Faults.Faults = { seed: 7, errors: { rate: 0.2, statuses: [500, 503] }, rateLimit: { rate: 0.1, retryAfter: 3 }, resets: { rate: 0.05 } }
  const draw = (f: Faults.Faults, n: number) => {
    const injector = Faults.injector(f)
    return Array.from({ length: n }, () => injector.next())
  }

  it("gives the same sequence for the same seed, and another for another seed", () => {
    expect(draw(faults, 500)).toEqual(draw(faults, 500))
    expect(draw({ ...faults, seed: 8 }, 500)).not.toEqual(draw(faults, 500))
  })

  it("hits each outcome at about its rate, with the chosen statuses and Retry-After", () => {
    const outcomes = draw(faults, 4000).map((d) => d.outcome)
    const share = (tag: string) => outcomes.filter((o) => o._tag === tag).length / outcomes.length
    expect(share("Reset")).toBeCloseTo(0.05, 1)
    expect(share("RateLimited")).toBeCloseTo(0.1, 1)
    expect(share("Error")).toBeCloseTo(0.2, 1)
    expect(new Set(outcomes.flatMap((o) => (o._tag === "Error" ? [o.status] : [])))).toEqual(new Set([500, 503]))
    expect(outcomes.every((o) => o._tag !== "RateLimited" || o.retryAfter === 3)).toBe(true)
  })

  it("draws latency from the chosen distribution", () => {
    expect(new Set(draw({ latency: { type: "fixed", ms: 25 } }, 50).map((d) => d.delayMs))).toEqual(new Set([25]))
    const uniform = draw({ latency: { type: "uniform", lower: 10, upper: 20 } }, 500).map((d) => d.delayMs)
    expect(Math.min(...uniform)).toBe(10)
    expect(Math.max(...uniform)).toBe(20)
    const lognormal = draw({ latency: { type: "lognormal", median: 40, sigma: 0.5, max: 150 } }, 2001).map((d) => d.delayMs).sort((a, b) => a - b)
    expect(lognormal[1000]).toBeGreaterThan(36)
    expect(lognormal[1000]).toBeLessThan(44)
    expect(lognormal.at(-1)).toBe(150)
    expect(lognormal[0]).toBeGreaterThan(0)
  })

  it("is inactive, drawing nothing, without faults", () => {
    const injector = Faults.injector({})
    expect(injector.active).toBe(false)
    expect(injector.next()).toEqual({ delayMs: 0, outcome: { _tag: "Pass" } })
  })
})

describe("an app with global faults", () => {
  const statuses = async (faults: Faults.Faults, n: number) => {
    const t = inProcess(createMockApp({ data: small(20), faults }))
    const out: Array<number> = []
    for (let i = 0; i < n; i++) out.push((await t.call(`${list}?limit=1`, { headers: acme })).status)
    return out
  }

  it("fails a reproducible share of requests with the vendor's body", async () => {
    const faults: Faults.Faults = { seed: 3, errors: { rate: 0.3, statuses: [502, 503] }, rateLimit: { rate: 0.2, retryAfter: 4 } }
    const first = await statuses(faults, 60)
    expect(await statuses(faults, 60)).toEqual(first)
    expect(new Set(first)).toEqual(new Set([200, 429, 502, 503]))
  })

  it("sends Retry-After with its 429s and leaves /__admin and /docs alone", async () => {
    const mock = createMockApp({ data: small(5), faults: { rateLimit: { rate: 1, retryAfter: 9 } } })
    const t = inProcess(mock)
    const reply = await t.call(list, { headers: acme })
    expect(reply.status).toBe(429)
    expect(reply.headers.get("retry-after")).toBe("9")
    expect((await mock.fetch(new Request("http://x/__admin/health"))).status).toBe(200)
    expect((await mock.fetch(new Request("http://x/openapi.json"))).status).toBe(200)
  })

  it("lets a request's own scenario win over the global faults", async () => {
    const t = inProcess(createMockApp({ data: small(5), faults: { errors: { rate: 1 } } }))
    expect((await t.call(list, { headers: { ...acme, prefer: "example=seed" } })).status).toBe(200)
  })

  it("delays every request with fixed latency", async () => {
    const t = inProcess(createMockApp({ data: small(5), faults: { latency: { type: "fixed", ms: 120 } } }))
    const started = Date.now()
    await t.call(list, { headers: acme })
    expect(Date.now() - started).toBeGreaterThanOrEqual(115)
  })

  it("throws at creation and on setFaults for invalid faults, naming the field", () => {
    expect(() => createMockApp({ data: small(5), faults: { errors: { rate: -1 } } })).toThrow("Invalid faults.errors.rate")
    const mock = createMockApp({ data: small(5) })
    expect(() => mock.setFaults({ arrivals: { account: "nobody", everyRequests: 1 } })).toThrow(
      'Invalid faults.arrivals.account: the data set defines no linked account "nobody"'
    )
    expect(mock.faults()).toEqual({})
  })

  describe("over TCP", () => {
    const mock = createMockApp({ data: small(5), faults: { seed: 1, resets: { rate: 1 } } })
    let server: MockServer
    beforeAll(async () => {
      server = await serve(mock, { port: 0 })
    })
    afterAll(() => server.close())

    it("drops connections at the reset rate, and serves again once faults are cleared", async () => {
      await expect(fetch(`${server.url}${list}`, { headers: acme })).rejects.toThrow(TypeError)
      mock.setFaults({})
      expect((await fetch(`${server.url}${list}`, { headers: acme })).status).toBe(200)
    })
  })
})

describe("arrivals", () => {
  const ids = (body: unknown) => (body as { docs: Array<{ _id: string }> }).docs.map((d) => d._id)

  it("insert executions at the account's head every n requests: an offset paginator sees a repeat", async () => {
    const data = small(60)
    const mock = createMockApp({ data, faults: { arrivals: { account: accounts.acme.linked_account_id, everyRequests: 1 } } })
    const t = inProcess(mock)
    const page1 = await t.call(`${list}?limit=5&page=1`, { headers: acme })
    const page2 = await t.call(`${list}?limit=5&page=2`, { headers: acme })
    expect(ids(page1.body)[0]).toMatch(/^ae0{21}1$/)
    expect(ids(page2.body)[0]).toBe(ids(page1.body)[4])
    expect((page2.body as { totalDocs: number }).totalDocs).toBe((page1.body as { totalDocs: number }).totalDocs + 1)
    const arrived = await t.call(`${list}/${ids(page1.body)[0]}`, { headers: acme })
    expect(arrived.body).toMatchObject({ status: "RUNNING", linked_account_id: accounts.acme.linked_account_id })
    const other = await t.call(list, { headers: asAccount(accounts.globex.linked_account_id) })
    expect(ids(other.body).some((id) => id.startsWith("ae"))).toBe(false)
    expect(mock.store.size).toBe(data.executions.length + 4)
    mock.reset()
    expect(mock.store.size).toBe(data.executions.length)
  })

  it("run on the app's clock like any RUNNING execution: an arrival advances and ends", async () => {
    const mock = createMockApp({ data: small(20), clock: { speed: 0 }, faults: { arrivals: { account: accounts.acme.linked_account_id, everyRequests: 1 } } })
    const t = inProcess(mock)
    const live = mock.lifecycle.size()
    const page = (await t.call(`${list}?limit=1`, { headers: acme })).body as { docs: Array<{ _id: string; createdAt: string }> }
    const arrival = page.docs[0]!
    expect(arrival._id).toMatch(/^ae/)
    // Created at the app's clock time, and tracked by its lifecycle.
    expect(Date.parse(arrival.createdAt)).toBeGreaterThanOrEqual(mock.clock.now())
    expect(mock.lifecycle.size()).toBe(live + 1)
    const settled = mock.lifecycle.settled(arrival._id)
    mock.clock.advance(86_400_000)
    const ended = await settled
    expect(ended?.status).toMatch(/^(COMPLETED|ERRORED|TIMED_OUT)$/)
    expect(mock.store.find(arrival._id)).toMatchObject({ status: ended?.status, completion_time: expect.any(String) })
    mock.close()
  })

  it("insert by elapsed time on the app's clock with everyMs, without a timer between requests", async () => {
    // A manual clock starting at a known time: arrivals are timed by the app's clock, not the system's.
    const clock = MockClock.make({ speed: 0, source: { now: () => Date.parse("2030-01-01T00:00:00.000Z"), wait: () => () => {} } })
    const mock = createMockApp({ data: small(20), clock, faults: { arrivals: { account: accounts.acme.linked_account_id, everyMs: 100 } } })
    const t = inProcess(mock)
    const before = (await t.call(list, { headers: acme })).body as { totalDocs: number }
    clock.advance(350)
    const after = (await t.call(list, { headers: acme })).body as { totalDocs: number; docs: Array<{ createdAt: string }> }
    expect(after.totalDocs).toBe(before.totalDocs + 3)
    // Arrivals due at once are a millisecond apart, so that their order is their arrival order.
    expect(after.docs.slice(0, 3).map((d) => d.createdAt)).toEqual(["2030-01-01T00:00:00.352Z", "2030-01-01T00:00:00.351Z", "2030-01-01T00:00:00.350Z"])
  })
})
