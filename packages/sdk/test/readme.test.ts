/**
 * Every TypeScript snippet of the README (and the root README's SDK snippets) is complete: each one, as it stands, typechecks on its own
 * (its imports and values in scope) and runs in its own Node process against the mock, so that no
 * snippet can rot. The quick starts are also compared with `examples/` (examples.test.ts).
 */
import { describe, expect, it } from "@effect/vitest"
import { createMockApp, serve } from "@refold-effect/mock"
import { execFile } from "node:child_process"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll } from "vitest"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const dir = `${packageDir}test/.readme-snippets`

const exec = (file: string, args: ReadonlyArray<string>, env: Record<string, string> = {}, until?: RegExp) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    let ready = false
    const child = execFile(file, args, { cwd: packageDir, env: { ...process.env, ...env }, timeout: 170_000 }, (error, stdout, stderr) =>
      resolve({ code: ready || error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr }))
    // A snippet that serves (a webhook receiver) runs until stopped: once it says it is ready, it is done.
    if (until !== undefined) {
      let out = ""
      child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString()
        if (!ready && until.test(out)) {
          ready = true
          child.kill()
        }
      })
    }
  })

const blocks = (file: string) => [...readFileSync(file, "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)

/** This package's README, and the root README's SDK snippets (its contract-test one runs in apps/example-cli). */
const snippets = [
  ...blocks(`${packageDir}README.md`),
  ...blocks(`${packageDir}../../README.md`).filter((code) => code.includes("@refold-effect/sdk") && !code.includes("@effect/vitest"))
]

describe("README snippets", () => {
  // Executions run sixty times faster than real time, so that the snippets which follow a run to
  // its end (watch, waitFor) take seconds.
  const mock = createMockApp({ clock: { speed: 60 } })
  let server: Awaited<ReturnType<typeof serve>>
  beforeAll(async () => {
    server = await serve(mock, { port: 0 })
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    snippets.forEach((code, i) => writeFileSync(`${dir}/snippet${i}.ts`, code))
    writeFileSync(
      `${dir}/tsconfig.json`,
      JSON.stringify({ extends: "../../tsconfig.json", compilerOptions: { noEmit: true, noUnusedLocals: false }, include: ["*.ts"] })
    )
  })
  afterAll(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it("there are snippets, each with its imports", () => {
    expect(snippets.length).toBeGreaterThanOrEqual(10)
    for (const code of snippets) expect(code).toMatch(/^import /m)
  })

  it("each typechecks on its own", async () => {
    const result = await exec(process.execPath, [`${packageDir}../../node_modules/typescript/bin/tsc`, "-p", `${dir}/tsconfig.json`])
    expect(result.stdout + result.stderr).toBe("")
    expect(result.code).toBe(0)
  }, 180_000)

  it("each runs against the mock without an error", async () => {
    const env = { REFOLD_BASE_URL: server.url, REFOLD_API_KEY: "tk_test_local", REFOLD_LINKED_ACCOUNT_ID: "user_12345", PORT: "0" }
    const results = await Promise.all(
      snippets.map((code, i) =>
        exec(process.execPath, ["--conditions=@refold-effect/source", "--import", "tsx", `${dir}/snippet${i}.ts`], env, code.includes(".listen(") ? /listening on/ : undefined))
    )
    results.forEach((result, i) => {
      expect({ snippet: i, stderr: result.stderr, code: result.code }).toEqual({ snippet: i, stderr: "", code: 0 })
    })
  }, 180_000)
})

// The numbers the README states are the code's: the configuration table, the read-ahead and
// watch/waitFor defaults, the stall bound of `stream`.
import { Duration } from "effect"
import { defaultReadAhead, Execution, RefoldConfig } from "../src/index.js"
import { variables } from "../src/RefoldConfig.js"
import { watchDefaults } from "../src/Executions.js"
import { maxStalledPages } from "../src/internal/paginate.js"

describe("the README's defaults", () => {
  const readme = readFileSync(`${packageDir}README.md`, "utf8")
  const flat = readme.replace(/\s+/g, " ")
  const rows = new Map(readme.split("\n").filter((line) => line.startsWith("| `")).map((line) => {
    const cells = line.split("|").slice(1, -1).map((cell) => cell.trim())
    return [cells[0]!, cells] as const
  }))
  /** A duration as the table writes it: `20 s`, `500 ms`. */
  const written = (d: Duration.Duration) => {
    const ms = Duration.toMillis(d)
    return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
  }

  it("the configuration table names every setting, its variable and its default", () => {
    const { defaults } = RefoldConfig
    for (const [key, variable] of Object.entries(variables)) {
      const row = rows.get(`\`${key}\``)
      expect(row, key).toBeDefined()
      expect(row![1], key).toBe(`\`${variable}\``)
      const value = defaults[key as keyof typeof defaults]
      const shown = Duration.isDuration(value) ? written(value)
        : key === "maxBodySize" ? `${(value as number) / 1024 / 1024} MiB`
        : key === "baseUrl" ? `\`${String(value)}\``
        : String(value)
      expect(row![2], key).toBe(shown)
    }
    expect(rows.get("`retrySchedule`")).toBeDefined()
  })

  it("the read-ahead, watch and waitFor defaults and the stall bound", () => {
    expect(rows.get("`readAhead`")![1]).toBe(`${defaultReadAhead} (\`true\`)`)
    expect(flat).toContain(`up to \`readAhead\` requests in flight at once (default ${defaultReadAhead})`)
    expect(flat).toContain(`a walk of 50 pages waits for ${defaultReadAhead} round trips instead of 50`)
    expect(flat).toContain(`polling every \`interval\` (default ${Duration.toSeconds(watchDefaults.interval)} s)`)
    expect(flat).toContain(`within \`timeout\` (default ${Duration.toMinutes(watchDefaults.timeout)} minutes;`)
    const terminal = Execution.terminalStatuses.map((status) => `\`${status}\``)
    expect(flat).toContain(`snapshot whose status is terminal: ${terminal.slice(0, -1).join(", ")} or ${terminal.at(-1)} (\`Execution.isTerminal\``)
    expect(maxStalledPages).toBe(10)
    expect(flat).toContain("fails with `NoProgress` after ten pages in a row")
    expect(flat).toContain(`(default ${RefoldConfig.defaults.maxBodySize / 1024 / 1024} MiB, about 32 times a page of 1,000`)
  })
})

import * as RefoldErrors from "../src/RefoldError.js"

describe("the README's table of errors", () => {
  const readme = readFileSync(`${packageDir}README.md`, "utf8")
  const table = readme.split("| tag | when | fields besides `message` | retried |")[1]!.split("\n\n")[0]!
  const rows = new Map(table.split("\n").filter((line) => line.startsWith("| `")).map((line) => {
    const cells = line.split("|").slice(1, -1).map((cell) => cell.trim())
    return [cells[0]!.replace(/`/g, ""), cells[2]!] as const
  }))
  const classes = Object.entries(RefoldErrors).filter(([, value]) => typeof value === "function" && "fields" in value && "_tag" in (value as { fields: object }).fields) as unknown as ReadonlyArray<readonly [string, { fields: object }]>

  it("has a row for every error class, and only those", () => {
    expect(classes.length).toBeGreaterThan(10)
    expect([...rows.keys()].sort()).toEqual(classes.map(([name]) => name).sort())
  })

  it("names each class's fields in its row (`same`: the row above's)", () => {
    let previous = ""
    for (const [tag, cell] of rows) {
      const fields = cell.startsWith("same") ? `${previous} ${cell}` : cell
      previous = fields
      const own = Object.keys(classes.find(([name]) => name === tag)![1].fields).filter((field) => field !== "_tag" && field !== "message")
      for (const field of own) expect(fields, `${tag}.${field}`).toContain(`\`${field}`)
    }
  })
})
