/**
 * The READMEs name every flag of the command line: this package's (what npm shows for
 * `npx @refold-effect/mock-server`) and the mock's flag table. A flag added to `Cli.ts` without a
 * line of documentation fails here.
 */
import { CliConfig, Command, HelpDoc } from "@effect/cli"
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { stripVTControlCharacters } from "node:util"
import { afterAll, describe, expect, it } from "vitest"
import { runNode, typecheckSnippets, writeSnippetProject } from "../../../snippets.shared.js"
import { Cli } from "../src/index.js"

const flags = [...new Set(HelpDoc.toAnsiText(Command.getHelp(Cli.command, CliConfig.defaultConfig)).match(/--[a-z][a-z-]+/g) ?? [])]
  .filter((flag) => !["--help", "--version", "--wizard", "--completions", "--log-level"].includes(flag))

describe("the READMEs and the command line", () => {
  it("finds the flags in the help (a check that the check reads something)", () => {
    expect(flags).toEqual(expect.arrayContaining(["--port", "--generate", "--api-key", "--fault-seed", "--admin-token"]))
  })

  for (const readme of ["README.md", "../../packages/mock/README.md"]) {
    it(`${readme} names every flag`, () => {
      const text = readFileSync(new URL(`../${readme}`, import.meta.url), "utf8")
      expect(flags.filter((flag) => !new RegExp(`(?<![\\w-])${flag}(?![\\w-])`).test(text))).toEqual([])
    })
  }
})

// The globalSetup recipe, run as written: the command as a process started by vitest, its URL
// handed to a test through `provide`/`inject`, stopped at the end. `node_modules/.bin/refold-mock`
// becomes a script running this package's sources (a user's is the installed command).
describe("the README's vitest globalSetup recipe", () => {
  const appDir = fileURLToPath(new URL("..", import.meta.url))
  const dir = fileURLToPath(new URL("./.readme-global-setup", import.meta.url))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const text = readFileSync(new URL("../README.md", import.meta.url), "utf8")
  const snippet = (first: string) => [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.startsWith(first))

  it("starts refold-mock for the run, and the suite reaches it", { timeout: 170_000 }, async () => {
    const setup = snippet("// test/mock.global.ts")
    const suite = snippet("// test/executions.test.ts")
    expect(setup).toContain("project.provide(")
    expect(suite).toContain("inject(")
    const command = `${dir}/refold-mock`
    writeSnippetProject(dir, { "mock.global.ts": setup!.replace("node_modules/.bin/refold-mock", command), "executions.test.ts": suite! })
    writeFileSync(command, `#!/bin/sh\nexec "${process.execPath}" --import tsx --conditions=@refold-effect/source "${appDir}src/main.ts" "$@"\n`)
    chmodSync(command, 0o755)
    writeFileSync(
      `${dir}/vitest.config.ts`,
      `import { defineConfig } from "vitest/config"\nexport default defineConfig({ test: { include: ["*.test.ts"], globalSetup: ["./mock.global.ts"], reporters: ["default"] } })\n`
    )
    const types = await typecheckSnippets(dir, appDir)
    expect(types.output).toBe("")
    const run = await runNode([`${appDir}node_modules/vitest/vitest.mjs`, "run", "--root", dir, "--config", `${dir}/vitest.config.ts`], appDir)
    expect(stripVTControlCharacters(run.output)).toMatch(/Tests\s+1 passed/)
    expect(run.code).toBe(0)
  })
})
