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

const exec = (file: string, args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(file, args, { cwd: packageDir, env: { ...process.env, ...env }, timeout: 170_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr }))
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
    const env = { REFOLD_BASE_URL: server.url, REFOLD_API_KEY: "tk_test_local", REFOLD_LINKED_ACCOUNT_ID: "user_12345" }
    const results = await Promise.all(
      snippets.map((_, i) => exec(process.execPath, ["--conditions=@refold-effect/source", "--import", "tsx", `${dir}/snippet${i}.ts`], env))
    )
    results.forEach((result, i) => {
      expect({ snippet: i, stderr: result.stderr, code: result.code }).toEqual({ snippet: i, stderr: "", code: 0 })
    })
  }, 180_000)
})
