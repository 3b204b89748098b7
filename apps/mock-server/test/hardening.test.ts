/**
 * Issue 16 from outside: `--cors` on the command line, and a hostile regex sent to the admin API of
 * a real server process, which must keep answering everyone else meanwhile (the test runs the server
 * in a child process, so that a stalled event loop there cannot stall the test).
 */
import { NodeContext } from "@effect/platform-node"
import { Effect, Exit, Fiber } from "effect"
import { afterAll, afterEach, describe, expect, it, vi } from "vitest"
import { Cli } from "../src/index.js"
import { cli, killAll } from "./support.js"

afterAll(killAll)
afterEach(() => vi.restoreAllMocks())

const run = async (args: ReadonlyArray<string>) => {
  const log = vi.spyOn(console, "log").mockImplementation(() => {})
  const error = vi.spyOn(console, "error").mockImplementation(() => {})
  const fiber = Effect.runFork(Cli.run(["node", "main.js", "--port", "0", ...args]).pipe(Effect.provide(NodeContext.layer)))
  for (;;) {
    const done = fiber.unsafePoll()
    if (done !== null) return { exit: done, stderr: error.mock.calls.map(String).join("\n"), url: undefined, stop: async () => {} }
    const line = log.mock.calls.map(String).join("\n")
    const url = /listening on (\S+)/.exec(line)?.[1]
    if (url !== undefined) return { exit: undefined, stderr: "", url, stop: () => Effect.runPromise(Fiber.interrupt(fiber)) }
    await new Promise((r) => setTimeout(r, 10))
  }
}

const preflight = (url: string, origin: string) =>
  fetch(`${url}/api/v2/public/execution`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "GET", "access-control-request-headers": "x-api-key" } })

describe("--cors", () => {
  it("allows any origin by default", async () => {
    const { url, stop } = await run([])
    expect((await preflight(url!, "http://localhost:5173")).headers.get("access-control-allow-origin")).toBe("*")
    await stop()
  })

  it("allows only the listed origins, and lets them write to the admin API", async () => {
    const { url, stop } = await run(["--cors", "http://localhost:6006", "--cors", "http://localhost:5173"])
    expect((await preflight(url!, "http://localhost:5173")).headers.get("access-control-allow-origin")).toBe("http://localhost:5173")
    expect((await preflight(url!, "http://evil.test")).headers.get("access-control-allow-origin")).toBeNull()
    const write = await fetch(`${url}/__admin/settings`, { method: "POST", body: '{"faults":{"seed":4}}', headers: { origin: "http://localhost:6006", "content-type": "application/json" } })
    expect(write.status).toBe(200)
    await stop()
  })

  it("turns CORS off with --cors off", async () => {
    const { url, stop } = await run(["--cors", "off"])
    expect((await preflight(url!, "http://localhost:5173")).headers.get("access-control-allow-origin")).toBeNull()
    await stop()
  })

  it.each([["localhost:5173"], ["http://localhost:5173/app"], ["*,http://a.test"]])("refuses --cors %s, naming it", async (value) => {
    const { exit, stderr } = await run(["--cors", value])
    expect(exit !== undefined && Exit.isFailure(exit)).toBe(true)
    expect(stderr).toContain(`--cors takes *, off, or origins`)
    expect(stderr).toContain(JSON.stringify(value))
  })
})

describe("a hostile admin regex against a server process", () => {
  it("is answered within seconds, and health answers meanwhile", { timeout: 120_000 }, async () => {
    const server = cli(["--port", "0", "--generate", "20"])
    const url = await server.ready
    // Journal long URLs that make a backtracking engine try every way to split them.
    for (let i = 0; i < 20; i++) await fetch(`${url}/${"a".repeat(2000)}${i}!`)
    const started = Date.now()
    const count = fetch(`${url}/__admin/requests/count`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ urlPattern: "/(a+)+" }),
      signal: AbortSignal.timeout(20_000)
    })
    const health = await fetch(`${url}/__admin/health`, { signal: AbortSignal.timeout(20_000) })
    expect(health.status).toBe(200)
    const counted = await count
    expect(await counted.json()).toEqual({ count: 0 })
    // Generous: a backtracking engine takes longer than the age of the universe here.
    expect(Date.now() - started).toBeLessThan(15_000)
    server.child.kill("SIGTERM")
    await server.exited
  })
})
