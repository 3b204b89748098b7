/**
 * The contract's README snippets, as a user of `@refold-effect/contract` alone runs them: each one
 * typechecks on its own and runs against a served mock (`REFOLD_BASE_URL`). They live here because
 * running them needs the mock, and the contract never depends on it.
 */
import { readFileSync, rmSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createMockApp, serve, type MockServer } from "../src/index.js"
import { outcome, passed, runNode, typecheckSnippets, writeSnippetProject } from "../../../snippets.shared.js"

const readme = readFileSync(new URL("../../contract/README.md", import.meta.url), "utf8")
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((code) => code.includes("HttpApiClient"))

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const snippetDir = `${packageDir}test/.contract-readme-snippets`

describe("the contract README's client snippet", () => {
  let server: MockServer
  beforeAll(async () => {
    writeSnippetProject(snippetDir, Object.fromEntries(snippets.map((code, i) => [`snippet${i}.ts`, code])))
    server = await serve(createMockApp({ clock: { speed: 0 } }), { port: 0 })
  })
  afterAll(async () => {
    rmSync(snippetDir, { recursive: true, force: true })
    await server.close()
  })

  it("is found", () => expect(snippets).toHaveLength(1))

  it("typechecks on its own", async () => {
    expect(outcome(await typecheckSnippets(snippetDir, packageDir))).toEqual(passed)
  }, 180_000)

  it("runs against the mock: an execution, then a 404 decoded as the vendor's body", async () => {
    process.env["REFOLD_BASE_URL"] = server.url
    try {
      const run = await runNode(["--conditions=@refold-effect/source", "--import", "tsx", `${snippetDir}/snippet0.ts`], packageDir)
      expect(outcome(run)).toEqual(passed)
      expect(run.output).toMatch(/^[0-9a-f]{24} ERRORED: \d+ nodes\n404 Execution not found \(request [0-9a-f-]{36}\)\n$/)
    } finally {
      delete process.env["REFOLD_BASE_URL"]
    }
  }, 180_000)
})
