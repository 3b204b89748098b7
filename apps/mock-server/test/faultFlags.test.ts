/**
 * The fault flags and the admin token on the command line, run in-process over real TCP: each flag
 * reaches the served app, `--faults` takes JSON or a file, and every bad value is refused with a
 * message naming it.
 */
import { NodeContext } from "@effect/platform-node"
import { ConfigProvider, Effect, Exit, Fiber } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it, vi } from "vitest"
import { Cli } from "../src/index.js"

afterEach(() => vi.restoreAllMocks())

const captured = () => {
  const log = vi.spyOn(console, "log").mockImplementation(() => {})
  const error = vi.spyOn(console, "error").mockImplementation(() => {})
  const text = (spy: typeof log) => spy.mock.calls.map((args) => args.map(String).join(" ")).join("\n")
  return { stdout: () => text(log), stderr: () => text(error) }
}

const program = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  Cli.run(["node", "main.js", "--port", "0", "--generate", "20", ...args]).pipe(
    Effect.provide(NodeContext.layer),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
  )

/** Serves with `args` for the duration of `use`. */
const serving = async (args: ReadonlyArray<string>, use: (url: string, stdout: string) => Promise<void>, env: Record<string, string> = {}) => {
  const out = captured()
  const fiber = Effect.runFork(program(args, env))
  while (!/listening on/.test(out.stdout())) {
    if (fiber.unsafePoll() !== null) throw new Error(`stopped before listening: ${out.stderr()}`)
    await new Promise((r) => setTimeout(r, 10))
  }
  try {
    await use(/listening on (\S+)/.exec(out.stdout())![1]!, out.stdout())
  } finally {
    await Effect.runPromise(Fiber.interrupt(fiber))
  }
}

const refused = async (args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const out = captured()
  const exit = await Effect.runPromiseExit(program(args, env))
  expect(Exit.isFailure(exit)).toBe(true)
  return out.stderr()
}

const list = (url: string) => fetch(`${url}/api/v2/public/execution`, { headers: { "x-api-key": "tk", linked_account_id: "user_12345" } })

describe("fault flags", () => {
  it("fail requests with --error-rate and --error-status after --latency, and print the faults", async () => {
    await serving(["--latency", "60", "--error-rate", "1", "--error-status", "503", "--fault-seed", "4"], async (url, stdout) => {
      const started = Date.now()
      const response = await list(url)
      expect(response.status).toBe(503)
      expect(Date.now() - started).toBeGreaterThanOrEqual(55)
      expect(await response.json()).toMatchObject({ status_code: 503, error_code: "SERVICE_UNAVAILABLE" })
      expect(stdout).toContain(`faults: {"seed":4,"latency":{"type":"fixed","ms":60},"errors":{"rate":1,"statuses":[503]}} (change them with POST ${url}/__admin/settings)`)
    })
  })

  it("rate-limit with Retry-After, and take a uniform latency range", async () => {
    await serving(["--rate-limit", "1", "--retry-after", "7", "--latency", "5-10"], async (url) => {
      const response = await list(url)
      expect(response.status).toBe(429)
      expect(response.headers.get("retry-after")).toBe("7")
      const settings = await (await fetch(`${url}/__admin/settings`)).json()
      expect(settings).toMatchObject({ faults: { latency: { type: "uniform", lower: 5, upper: 10 } } })
    })
  })

  it("take the whole setting from --faults, as JSON or @file, with flags over it", async () => {
    await serving(["--faults", '{"resets":{"rate":1}}'], async (url) => {
      await expect(list(url)).rejects.toThrow(TypeError)
    })
    const dir = mkdtempSync(join(tmpdir(), "refold-faults-"))
    writeFileSync(join(dir, "faults.json"), JSON.stringify({ errors: { rate: 1, statuses: [500] }, seed: 1 }))
    await serving(["--faults", `@${join(dir, "faults.json")}`, "--error-rate", "1", "--error-status", "502"], async (url) => {
      expect((await list(url)).status).toBe(502)
    })
  })

  it("protect the admin API with --admin-token or REFOLD_MOCK_ADMIN_TOKEN, never printing it", async () => {
    const check = async (url: string, stdout: string) => {
      expect((await fetch(`${url}/__admin/requests`)).status).toBe(401)
      expect((await fetch(`${url}/__admin/requests`, { headers: { authorization: "Bearer adm-s3cret" } })).status).toBe(200)
      expect(stdout).not.toContain("adm-s3cret")
    }
    await serving(["--admin-token", "adm-s3cret"], check)
    await serving([], check, { REFOLD_MOCK_ADMIN_TOKEN: "adm-s3cret" })
  })

  // A token no request can present would lock the admin API for good: an empty
  // REFOLD_MOCK_ADMIN_TOKEN (a CI secret missing on a fork) or one with spaces.
  it.each([
    [["--admin-token", "two words"], {}],
    [[], { REFOLD_MOCK_ADMIN_TOKEN: "" }],
    [[], { REFOLD_MOCK_ADMIN_TOKEN: " " }]
  ])("refuse an admin token no request can send: %j %j", async (args, env) => {
    const stderr = await refused(args, env)
    expect(stderr).toContain("--admin-token (or REFOLD_MOCK_ADMIN_TOKEN) must be a non-empty token without spaces")
    expect(stderr).not.toContain("two words")
  })

  it.each([
    [["--error-rate", "2"], '--error-rate must be a rate from 0 to 1, got "2"'],
    [["--reset-rate", "often"], '--reset-rate must be a rate from 0 to 1, got "often"'],
    [["--error-status", "503"], "--error-status needs --error-rate"],
    [["--error-rate", "0.5", "--error-status", "200"], "Invalid faults.errors.statuses.0"],
    [["--retry-after", "3"], "--retry-after needs --rate-limit"],
    [["--latency", "soon"], '--latency must be milliseconds (50) or a range (20-80), got "soon"'],
    [["--latency", "80-20"], "lower (80) is above upper (20)"],
    [["--fault-seed", "x"], '--fault-seed must be an integer, got "x"'],
    [["--faults", '{"errors":{"rate":5}}'], "Invalid faults.errors.rate"],
    [["--faults", "[1]"], "--faults: expected a JSON object"],
    [["--faults", "@/nonexistent/faults.json"], "--faults: ENOENT"],
    [["--faults", '{"arrivals":{"account":"ghost","everyRequests":1}}'], 'Invalid faults.arrivals.account: the data set defines no linked account "ghost"'],
    [["--faults"], "--faults needs a value"],
    [["--admin-token", ""], '--admin-token needs a value, got ""']
  ])("refuse %j naming the problem", async (args, message) => {
    expect(await refused(args)).toContain(message)
  })
})
