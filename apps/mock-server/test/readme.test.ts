/**
 * The READMEs name every flag of the command line: this package's (what npm shows for
 * `npx @refold-effect/mock-server`) and the mock's flag table. A flag added to `Cli.ts` without a
 * line of documentation fails here.
 */
import { CliConfig, Command, HelpDoc } from "@effect/cli"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
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
