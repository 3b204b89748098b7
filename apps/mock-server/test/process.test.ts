/**
 * The mock server as a real process, as `pnpm start` runs it: exit codes, signals, and what it
 * prints. Few and sequential, since each one starts Node afresh.
 */
import { DataSet } from "@refold-effect/fixtures"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { cli, killAll } from "./support.js"

afterAll(killAll)

const slow = { timeout: 120_000 }

describe("refold-mock as a process", () => {
  it("serves the bundled fixtures on a port, answers the seed request, and exits 0 on SIGTERM", slow, async () => {
    const server = cli(["--port", "0"])
    const url = await server.ready
    const bundled = DataSet.bundled()
    expect(server.stdout()).toContain(`${bundled.accounts.length} accounts, ${bundled.executions.length} executions (bundled fixtures)`)
    const response = await fetch(`${url}/api/v2/public/execution?page=1&limit=10&status=All&execution_source=All`, {
      headers: { "x-api-key": "YOUR_API_KEY", linked_account_id: "user_12345" }
    })
    expect(response.status).toBe(200)
    server.child.kill("SIGTERM")
    const exit = await server.exited
    expect(exit).toMatchObject({ code: 0, signal: null, stderr: "" })
    expect(exit.stdout.trimEnd().split("\n")).toHaveLength(1)
  })

  it("accepts flags after a literal -- (as `pnpm start -- --port 0` passes them) and exits 0 on SIGINT", slow, async () => {
    const server = cli(["--", "--port", "0", "--generate", "20"])
    await server.ready
    server.child.kill("SIGINT")
    expect(await server.exited).toMatchObject({ code: 0, signal: null })
  })

  it("exits 1 on a bad fixtures file, printing its path and the JSON path of the problem", slow, async () => {
    const dir = mkdtempSync(join(tmpdir(), "refold-fixtures-"))
    DataSet.write(dir, DataSet.generate({ size: 5, seed: 1 }))
    writeFileSync(join(dir, "executions.json"), JSON.stringify([{ _id: "nope" }]))
    const exit = await cli(["--fixtures", dir]).exited
    expect(exit.code).toBe(1)
    expect(exit.stderr).toContain(join(dir, "executions.json"))
    expect(exit.stderr).toContain("$[0]")
    expect(exit.stdout).toBe("")
  })

  it("exits non-zero on a bad flag, saying what is wrong", slow, async () => {
    const exit = await cli(["--port", "http"]).exited
    expect(exit.code).toBe(1)
    expect(exit.stderr).toContain("--port must be an integer from 0 to 65535, got \"http\"")
  })
})
