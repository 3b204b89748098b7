/**
 * The mock README's TypeScript snippets that need the SDK (its contract test) typecheck on their
 * own and pass as vitest suites. They run here, where both packages are installed: the mock's own
 * README test (packages/mock/test/readme.test.ts) runs the others, as the mock never depends on the SDK.
 */
import { readFileSync, rmSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { outcome, passed, runSnippetSuites, typecheckSnippets, writeSnippetProject } from "../../../snippets.shared.js"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const dir = `${packageDir}test/.mock-readme-snippets`
const readme = readFileSync(`${packageDir}../../packages/mock/README.md`, "utf8")
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((code) => code.includes("@refold-effect/sdk"))

describe("the mock README's snippets that use the SDK", () => {
  beforeAll(() => writeSnippetProject(dir, Object.fromEntries(snippets.map((code, i) => [`snippet${i}.test.ts`, code]))))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("are found, each a test with its imports", () => {
    expect(snippets.length).toBeGreaterThanOrEqual(1)
    for (const code of snippets) expect(code).toMatch(/^import .* from "@effect\/vitest"$/m)
  })

  it("typecheck on their own", async () => {
    expect(outcome(await typecheckSnippets(dir, packageDir))).toEqual(passed)
  }, 180_000)

  it("pass", async () => {
    expect(outcome(await runSnippetSuites(dir, packageDir))).toEqual(passed)
  }, 180_000)
})
