/**
 * The command line run in-process (`Cli.run` with Node's context, real TCP): flags, environment,
 * data sources, key restriction, and every refusal with its message. `process.test.ts` covers what
 * needs a real process: exit codes and signals.
 */
import { NodeContext } from "@effect/platform-node"
import { DataSet } from "@refold-effect/fixtures"
import { ConfigProvider, Effect, Exit, Fiber } from "effect"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it, vi } from "vitest"
import { Cli } from "../src/index.js"
import { freePort } from "./support.js"

const output = () => {
  const log = vi.spyOn(console, "log").mockImplementation(() => {})
  const error = vi.spyOn(console, "error").mockImplementation(() => {})
  const text = (spy: typeof log) => spy.mock.calls.map((args) => args.map(String).join(" ")).join("\n")
  return { stdout: () => text(log), stderr: () => text(error) }
}

afterEach(() => vi.restoreAllMocks())

const program = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Cli.run(["node", "main.js", ...args]).pipe(
    Effect.provide(NodeContext.layer),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
  )

/** Runs the CLI until it prints its start-up line; returns the URL and a way to stop it. */
const start = async (args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const out = output()
  const fiber = Effect.runFork(program(args, env))
  for (let i = 0; !/listening on/.test(out.stdout()); i++) {
    if (fiber.unsafePoll() !== null) throw new Error(`stopped before listening: ${out.stderr()}`)
    await new Promise((r) => setTimeout(r, 10))
  }
  const url = /listening on (\S+)/.exec(out.stdout())![1]!
  return { url, out, stop: () => Effect.runPromise(Fiber.interrupt(fiber)) }
}

/** Runs the CLI to its end (a refusal); returns its exit and output. */
const refuse = async (args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const out = output()
  const exit = await Effect.runPromiseExit(program(args, env))
  return { exit, stdout: out.stdout(), stderr: out.stderr() }
}

const list = (url: string, key = "YOUR_API_KEY") =>
  fetch(`${url}/api/v2/public/execution?page=1&limit=10`, { headers: { "x-api-key": key, linked_account_id: "user_12345" } })

describe("refold-mock, in-process", () => {
  it("serves the bundled data by default on 127.0.0.1, and closes the port when interrupted", async () => {
    const bundled = DataSet.bundled()
    const { url, out, stop } = await start(["--port", "0"])
    expect(out.stdout()).toBe(
      `refold mock listening on ${url} — ${bundled.accounts.length} accounts, ${bundled.executions.length} executions (bundled fixtures); clock real time`
    )
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect((await list(url)).status).toBe(200)
    await stop()
    await expect(list(url)).rejects.toThrow()
  })

  it("defaults to 127.0.0.1:4010, takes PORT and HOST from the environment, and flags over them", async () => {
    const port = await freePort()
    const fromEnv = await start(["--generate", "10"], { PORT: String(port), HOST: "127.0.0.1" })
    expect(fromEnv.url).toBe(`http://127.0.0.1:${port}`)
    const flagged = await start(["--generate", "10", "--port", "0", "--host", "127.0.0.1"], { PORT: String(port), HOST: "0.0.0.0" })
    expect(flagged.url).not.toBe(fromEnv.url)
    expect(flagged.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    await fromEnv.stop()
    await flagged.stop()
    const blocker = createServer()
    await new Promise<void>((resolve, reject) => blocker.once("error", reject).listen(4010, "127.0.0.1", resolve)).catch(() => undefined)
    const refused = await refuse(["--generate", "5"])
    blocker.close()
    expect(refused.stderr).toContain("Cannot listen on 127.0.0.1:4010")
  })

  it("generates n executions from a seed, and restricts API keys without printing them", async () => {
    const { url, out, stop } = await start(["--port", "0", "--generate", "250", "--seed", "7", "--api-key", "tk-one", "--api-key", "pk-two"])
    expect(out.stdout()).toContain(`— 4 accounts, 250 executions (generated, seed 7, as of ${new Date().toISOString().slice(0, 10)})`)
    expect(out.stdout()).not.toMatch(/tk-one|pk-two/)
    expect((await list(url, "tk-one")).status).toBe(200)
    expect((await list(url, "pk-two")).status).toBe(200)
    expect((await list(url, "tk-three")).status).toBe(401)
    const expected = DataSet.generate({ size: 250, seed: 7 }).executions.filter((r) => r.linked_account_id === "user_12345").length
    expect(((await (await list(url, "tk-one")).json()) as { totalDocs: number }).totalDocs).toBe(expected)
    await stop()
  })

  it("serves a fixtures directory, and refuses a bad one with its file and JSON path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "refold-fixtures-"))
    DataSet.write(dir, DataSet.generate({ size: 30, seed: 3 }))
    const good = await start(["--port", "0", "--fixtures", dir])
    expect(good.out.stdout()).toContain(`— 4 accounts, 30 executions (fixtures from ${dir})`)
    await good.stop()

    const file = join(dir, "executions.json")
    const records = JSON.parse(readFileSync(file, "utf8")) as Array<Record<string, unknown>>
    records[2] = { ...records[2], status: "EXPLODED" }
    writeFileSync(file, JSON.stringify(records))
    const bad = await refuse(["--port", "0", "--fixtures", dir])
    expect(Exit.isFailure(bad.exit)).toBe(true)
    expect(bad.stdout).toBe("")
    expect(bad.stderr).toMatch(/^refold mock: cannot start: invalid data set: /)
    expect(bad.stderr).toContain(file)
    expect(bad.stderr).toContain("$[2].status")
  })

  it("prints the help for --help after other flags (npm run mock -- --help), as for --help alone", async () => {
    const alone = await refuse(["--help"])
    const after = await refuse(["--port", "4010", "--generate", "5", "--help"])
    expect(after.stderr).toBe("")
    expect(after.stdout).toBe(alone.stdout)
    expect(after.stdout).toContain("--clock-speed")
    expect(Exit.isSuccess(after.exit)).toBe(true)
  })

  it.each([
    [["--port", "abc"], "--port must be an integer from 0 to 65535, got \"abc\""],
    [["--port=1.5"], "--port must be an integer from 0 to 65535, got \"1.5\""],
    [["--port", "70000"], "--port must be an integer from 0 to 65535"],
    [["--generate", "0"], "--generate must be an integer from 1 to 10000000"],
    [["--generate", "5", "--seed", "x"], "--seed must be an integer"],
    [["--bogus"], "Received unknown argument: '--bogus'"],
    [["--api-key"], "--api-key needs a value"],
    [["--api-key", ""], "--api-key needs a value, got \"\""],
    [["--api-key", "tk-one", "--api-key", " "], "--api-key needs a value, got \" \""],
    [["--api-key="], "--api-key needs a value, got \"\""],
    [["--host", "", "--port", "0"], "--host needs a value, got \"\""],
    [["--host", "--port", "1"], "--host needs a value"],
    [["--generate", "5", "--fixtures", "x"], "--fixtures and --generate exclude each other"],
    [["--seed", "3"], "--seed only applies to --generate"],
    [["--anchor", "2026-01-01"], "--anchor only applies to --generate"],
    [["--generate", "5", "--anchor", "someday"], "--anchor must be a date from 1971 to 2105, got \"someday\""],
    [["--generate", "5", "--anchor", "2026-02-30"], "--anchor must be a day of the calendar, got \"2026-02-30\": February 2026 has 28 days"],
    [["--lifecycle-seed", "1.5"], "--lifecycle-seed must be an integer from 0 to 4294967295, got \"1.5\""],
    [["--lifecycle-seed", "-1"], "--lifecycle-seed must be an integer from 0 to 4294967295, got \"-1\""],
    [["--clock", "fast"], "--clock must be one of real, manual, got \"fast\""],
    [["--clock-speed", "0"], "--clock-speed must be a number above 0 and at most 1000000, got \"0\""],
    [["--clock-speed", "-2"], "--clock-speed must be a number above 0"],
    [["--clock-speed", "x"], "--clock-speed must be a number above 0"],
    [["--clock", "manual", "--clock-speed", "60"], "--clock manual and --clock-speed exclude each other"],
    [["--clock-speed"], "--clock-speed needs a value"],
    [["--webhook-retries", "-1"], "--webhook-retries must be a whole number of at least 0, got \"-1\""],
    [["--webhook-retries", "1.5"], "--webhook-retries must be a whole number of at least 0, got \"1.5\""],
    [["--webhook-timeout", "0"], "--webhook-timeout must be a number from 1 to 2147483647, got \"0\""],
    [["--webhook-backoff", "soon"], "--webhook-backoff must be a number of at least 0, got \"soon\""],
    [["--webhook-timeout", "500", "--webhook-timeout", "600"], "--webhook-timeout is given twice"],
    [["--fixtures", "/nonexistent/dir"], "/nonexistent/dir"],
    [["--host", "256.0.0.1", "--port", "0", "--generate", "5"], "Cannot listen on 256.0.0.1:0"],
    [["--port", "4010", "--port", "4011"], "--port is given twice (\"4010\", then \"4011\"); give it once"],
    [["--clock=real", "--clock", "manual"], "--clock is given twice (\"real\", then \"manual\"); give it once"],
    [["--cors", "off", "--cors", "http://localhost:5173"], "--cors off stands alone: no other --cors with it"],
    [["--cors", "http://localhost:5173", "--cors", "*"], "--cors * stands alone: no other --cors with it"],
    [["--port", "0", "--generate", "5", "--api-key", "tk-one", "--api-key", "tk-one"], "cannot start: --api-key number 2 repeats an earlier key; give each key once"],
    [["--port", "0", "--generate", "5", "--api-key", "tk-é"], "cannot start: --api-key number 1 is holding a character an x-api-key header cannot carry"]
  ])("refuses %j with a clear message", async (args, message) => {
    const { exit, stdout, stderr } = await refuse(args)
    expect(Exit.isFailure(exit)).toBe(true)
    expect(stderr).toContain(message)
    expect(stdout).not.toContain("listening")
  })

  it("runs executions on a manual clock that moves only with POST /__admin/clock/advance", async () => {
    const { url, out, stop } = await start(["--port", "0", "--generate", "300", "--seed", "2", "--clock", "manual", "--lifecycle-seed", "5"])
    expect(out.stdout()).toContain("; clock manual")
    const running = async () =>
      ((await (await fetch(`${url}/api/v2/public/execution?status=RUNNING&limit=1000`, { headers: { "x-api-key": "k", linked_account_id: "user_12345" } })).json()) as { totalDocs: number }).totalDocs
    const before = await running()
    expect(before).toBeGreaterThan(0)
    await new Promise((r) => setTimeout(r, 50))
    expect(await running()).toBe(before)
    const advanced = await fetch(`${url}/__admin/clock/advance`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ms: 3_600_000 }) })
    expect(((await advanced.json()) as { mode: string; running: number })).toMatchObject({ mode: "manual", running: 0 })
    expect(await running()).toBe(0)
    await stop()
  })

  it("anchors a generated data set on --anchor, so that the days before it hold executions", async () => {
    const { url, out, stop } = await start(["--port", "0", "--generate", "300", "--anchor", "2025-02-10", "--clock", "manual"])
    expect(out.stdout()).toContain("(generated, seed 1, as of 2025-02-10)")
    const week = await fetch(`${url}/api/v2/public/execution?start_date=2025-02-03&end_date=2025-02-09&limit=1`, { headers: { "x-api-key": "k", linked_account_id: "user_12345" } })
    expect(((await week.json()) as { totalDocs: number }).totalDocs).toBeGreaterThan(0)
    await stop()
  })

  it("names a faster clock in its start-up line", async () => {
    const { url, out, stop } = await start(["--port", "0", "--generate", "20", "--clock-speed", "60"])
    expect(out.stdout()).toContain("; clock ×60")
    expect(((await (await fetch(`${url}/__admin/clock`)).json()) as { speed: number }).speed).toBe(60)
    await stop()
  })

  // A suite running the mock as a process could not shorten the 10 s a hanging receiver costs per
  // attempt, nor turn the retries off: the delivery options were the library's only.
  it("delivers webhooks with --webhook-retries and --webhook-timeout", async () => {
    const receiver = createServer(() => {}) // never answers
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve))
    const { url, stop } = await start(["--port", "0", "--clock", "manual", "--webhook-retries", "0", "--webhook-timeout", "200"])
    try {
      const headers = { "x-api-key": "tk_hooks", linked_account_id: "user_12345", "content-type": "application/json" }
      const post = (path: string, body: unknown, extra: Record<string, string> = {}) =>
        fetch(`${url}${path}`, { method: "POST", headers: { ...headers, ...extra }, body: JSON.stringify(body) })
      const latest = ((await (await fetch(`${url}/api/v2/public/execution?limit=1`, { headers })).json()) as { docs: Array<{ associated_workflow: { _id: string }; associated_application: { slug: string } }> }).docs[0]!
      const workflow = latest.associated_workflow._id
      const hook = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`
      expect((await post("/api/v2/public/webhook", { url: hook, events: ["Workflow Completed"], workflow_ids: [workflow] })).status).toBe(200)
      const { execution_id } = (await (await post(`/api/v2/public/workflow/${workflow}/execute`, {}, { slug: latest.associated_application.slug })).json()) as { execution_id: string }
      expect((await post(`/__admin/executions/${execution_id}/outcome`, { status: "COMPLETED" })).status).toBe(200)
      expect((await post("/__admin/clock/advance", { ms: 3_600_000 })).status).toBe(200)
      const mine = async () =>
        ((await (await fetch(`${url}/__admin/webhooks/deliveries`)).json()) as { deliveries: Array<{ instanceId: string; outcome: string; retryInMs?: number }>; meta: { pending: number } })
      let journal = await mine()
      for (let i = 0; i < 300 && (journal.meta.pending > 0 || journal.deliveries.length === 0); i++) {
        await new Promise((r) => setTimeout(r, 10))
        journal = await mine()
      }
      const attempts = journal.deliveries.filter((d) => d.instanceId === execution_id)
      expect(attempts.map((d) => [d.outcome, d.retryInMs])).toEqual([["timeout", undefined]])
      expect(journal.meta.pending).toBe(0)
    } finally {
      await stop()
      receiver.closeAllConnections()
      await new Promise((resolve) => receiver.close(resolve))
    }
  })

  // An empty PORT (`PORT=$MOCK_PORT` with the variable unset) used to read as 0: a random port, while
  // the tests went to 4010.
  it.each(["eighty", "", " ", "1.5", "-1", "70000"])("refuses an invalid PORT in the environment, naming it: %j", async (value) => {
    const { exit, stderr } = await refuse(["--generate", "5"], { PORT: value })
    expect(Exit.isFailure(exit)).toBe(true)
    expect(stderr).toContain("PORT must be an integer from 0 to 65535")
  })
})
