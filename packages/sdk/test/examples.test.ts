/**
 * The README's quick starts are the files in `examples/`: each runs here, as a user would run it,
 * in its own Node process against the mock on a random port, so the README cannot rot.
 */
import { describe, expect, it } from "@effect/vitest"
import { createMockApp, serve } from "@refold-effect/mock"
import { execFile } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll } from "vitest"

const packageDir = fileURLToPath(new URL("..", import.meta.url))

const run = (file: string, env: Record<string, string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--conditions=@refold-effect/source", "--import", "tsx", file],
      { cwd: packageDir, env: { ...process.env, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr })
    )
  })

describe("examples", () => {
  const mock = createMockApp()
  let server: Awaited<ReturnType<typeof serve>>
  beforeAll(async () => {
    server = await serve(mock, { port: 0 })
  })
  afterAll(() => server.close())

  const expected = () => {
    const all = mock.store.executions("user_12345")
    const newest = mock.store.get("user_12345", all[0]!._id)!
    return [
      `${all.length} executions in ${Math.ceil(all.length / 5)} pages of 5`,
      `newest: ${newest.name} (${newest.status}, ${newest.nodes.length} nodes)`,
      `errored: ${all.filter((e) => e.status === "ERRORED").length}`
    ]
  }

  const outputShape = [
    /^\d+ executions in \d+ pages of 5$/,
    /^newest: .+ \(\w+, \d+ nodes\)$/,
    /^errored: \d+$/,
    /^missing: not found \(request id .+\)$/
  ]

  it("the README shows each example as it is, and what the Effect one prints", () => {
    const readme = readFileSync(`${packageDir}/README.md`, "utf8")
    for (const file of ["examples/effect.ts", "examples/promise.ts"]) {
      // The file minus its header comment (which says how to run it) is the README's code block.
      const code = readFileSync(`${packageDir}/${file}`, "utf8").replace(/^\/\*\*[\s\S]*?\*\/\n/, "")
      expect(readme).toContain(`\`\`\`ts\n${code}\`\`\``)
    }
    // The printed numbers depend on the data set; the README shows one run's output.
    const printed = /It prints[^\n]*:\n\n```\n([\s\S]*?)```/.exec(readme)![1]!.trim().split("\n")
    expect(printed).toHaveLength(4)
    printed.forEach((line, i) => expect(line).toMatch(outputShape[i]!))
  })

  it("both quick starts print the same facts about the bundled account", async () => {
    const env = { REFOLD_BASE_URL: server.url, REFOLD_API_KEY: "tk_test_local", REFOLD_LINKED_ACCOUNT_ID: "user_12345" }
    // In parallel: each process spends most of its time loading modules.
    const [effect, promise] = await Promise.all([run("examples/effect.ts", env), run("examples/promise.ts", env)])
    for (const result of [effect, promise]) {
      expect(result.stderr).toBe("")
      expect(result.code).toBe(0)
      const lines = result.stdout.trim().split("\n")
      expect(lines.slice(0, 3)).toEqual(expected())
      expect(lines[3]).toMatch(outputShape[3]!)
    }
  }, 180_000)
})
