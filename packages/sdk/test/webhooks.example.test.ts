/**
 * The README's webhook recipe is `examples/webhook-receiver.ts`: it runs here in its own Node
 * process, as a user would run it, and receives a real delivery from the mock over TCP.
 */
import { describe, expect, it } from "@effect/vitest"
import { DataSet } from "@refold-effect/fixtures"
import { createMockApp, serve } from "@refold-effect/mock"
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const file = "examples/webhook-receiver.ts"
const apiKey = "tk_test_recipe"

describe("the webhook recipe", () => {
  it("is in the README as it is", () => {
    const readme = readFileSync(`${packageDir}/README.md`, "utf8")
    const code = readFileSync(`${packageDir}/${file}`, "utf8").replace(/^\/\*\*[\s\S]*?\*\/\n/, "")
    expect(readme).toContain(`\`\`\`ts\n${code}\`\`\``)
  })

  it("acknowledges a delivery from the mock and turns a forged one away", async () => {
    const child = spawn(process.execPath, ["--conditions=@refold-effect/source", "--import", "tsx", file], {
      cwd: packageDir,
      env: { ...process.env, REFOLD_API_KEY: apiKey, PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    const lines: Array<string> = []
    let wake: () => void = () => undefined
    createInterface({ input: child.stdout }).on("line", (line) => {
      lines.push(line)
      wake()
    })
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    const line = (pattern: RegExp) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line like ${pattern} in ${JSON.stringify(lines)}; stderr: ${stderr}`)), 60_000)
        const check = () => {
          const found = lines.find((l) => pattern.test(l))
          if (found === undefined) return
          clearTimeout(timer)
          resolve(found)
        }
        wake = check
        check()
      })

    const bundled = DataSet.bundled()
    const execution = bundled.executions.find((e) => e.status === "RUNNING" && e.environment === "test")!
    // A manual clock: no execution ends on its own during the test; the test delivers one.
    const mock = createMockApp({ data: bundled, clock: { speed: 0 } })
    const server = await serve(mock, { port: 0 })
    try {
      const url = (await line(/^listening on /)).slice("listening on ".length)
      const registered = await fetch(`${server.url}/api/v2/public/webhook`, {
        method: "POST",
        headers: { "x-api-key": apiKey, "content-type": "application/json" },
        body: JSON.stringify({ url, events: ["Workflow Completed"] })
      })
      expect(registered.status).toBe(200)

      mock.webhooks.deliver({ execution: { ...execution, status: "COMPLETED" }, from: "RUNNING" })
      expect(await line(/^Workflow Completed: /)).toBe(`Workflow Completed: ${execution._id} (COMPLETED)`)
      await mock.webhooks.settled()
      expect(mock.webhooks.attempts().map((a) => [a.attempt, a.status])).toEqual([[1, 200]])

      const forged = await fetch(url, { method: "POST", body: "{}", headers: { "x-cobalt-signature": "0".repeat(64) } })
      expect(forged.status).toBe(401)
      expect(await line(/^rejected: /)).toMatch(/Invalid webhook signature/)
      expect(stderr).toBe("")
    } finally {
      child.kill()
      mock.close()
      await server.close()
    }
  }, 120_000)
})
