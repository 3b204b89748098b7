/**
 * `delay` combined with every other preference (issue 16, item 11): the wait comes first, whatever
 * else the scenario asks for, through `Prefer` and through the `__` query parameters, in-process and
 * over TCP. A scenario whose delay were dropped when a `code` is also given would answer at once.
 */
import { describe, expect, it } from "vitest"
import { createMockApp } from "../src/index.js"
import { accounts, small } from "./support/data.js"
import { asAccount, kinds, useTransport } from "./support/http.js"
import { runScript } from "./support/script.js"

const acme = asAccount(accounts.acme.linked_account_id)
const list = "/api/v2/public/execution"
const DELAY = 200

describe.each(kinds)("delay with other preferences (%s)", (kind) => {
  const t = useTransport(kind, () => createMockApp({ data: small(10) }))

  it.each([
    ["code=503", 503],
    ["code=429", 429],
    ["code=404", 404],
    ["code=200", 200],
    ["example=seed", 200]
  ])(`waits delay=${DELAY} with %s, then answers %i`, async (preference, status) => {
    for (const init of [{ prefer: `${preference}, delay=${DELAY}` }, { prefer: `delay=${DELAY}, ${preference}` }]) {
      const started = Date.now()
      const reply = await t.call(list, { headers: { ...acme, ...init } }).catch((e: unknown) => {
        throw new Error(`${init.prefer}: ${String(e)}`)
      })
      expect(reply.status, init.prefer).toBe(status)
      expect(Date.now() - started, init.prefer).toBeGreaterThanOrEqual(DELAY - 5)
    }
  })

  it.each([["fault=empty", 200], ["code=503, fault=empty", 503], ["fault=malformed", 200]])(`waits delay=${DELAY} with %s too`, async (preference, status) => {
    const started = Date.now()
    const response = await t.mock.fetch(new Request(`http://mock.test${list}`, { headers: { ...acme, prefer: `${preference}, delay=${DELAY}` } }))
    await response.text()
    expect(response.status).toBe(status)
    expect(Date.now() - started).toBeGreaterThanOrEqual(DELAY - 5)
  })

  it("waits __delay with __code too", async () => {
    const started = Date.now()
    const reply = await t.call(`${list}?__code=503&__delay=${DELAY}`, { headers: acme })
    expect(reply.status).toBe(503)
    expect(Date.now() - started).toBeGreaterThanOrEqual(DELAY - 5)
  })
})

describe("a delayed answer in a script of its own (in-process, no socket)", () => {
  // Only the delay's timer stands between the script and its answer: were it unref'd, Node would
  // find nothing left to run and exit (code 13, "unsettled top-level await") before the answer.
  const script = (query: string, faults = "{}") => `
    import { createMockApp } from "@refold-effect/mock"
    const mock = createMockApp({ clock: { speed: 0 }, faults: ${faults} })
    const response = await mock.fetch(new Request("http://mock${list}?${query}", { headers: { "x-api-key": "tk", linked_account_id: "user_12345" } }))
    console.log("answered", response.status)
    mock.close()`
  it("keeps the process alive until it answers: a scenario's delay and a global latency fault", async () => {
    const [delayed, slow] = await Promise.all([runScript(script("__delay=50")), runScript(script("", `{ latency: { type: "fixed", ms: 50 } }`))])
    expect(delayed).toEqual({ code: 0, output: "answered 200\n" })
    expect(slow).toEqual({ code: 0, output: "answered 200\n" })
  }, 120_000)
})
