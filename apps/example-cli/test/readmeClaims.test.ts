/**
 * What the README shows the CLI printing is what it prints: the `list` sample against the bundled
 * data set, and the example messages of exit code 2. Its test snippets (those that use the
 * harness, `./support/Cli.js`) are complete: each typechecks on its own and passes as a suite.
 */
import { describe, expect, it } from "@effect/vitest"
import { RefoldMock } from "@refold-effect/mock"
import { Effect } from "effect"
import { readFileSync, rmSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll } from "vitest"
import { outcome, passed, runSnippetSuites, typecheckSnippets, writeSnippetProject } from "../../../snippets.shared.js"
import { Duration } from "effect"
import { ALL_PAGE_SIZE } from "../src/commands/list.js"
import { defaults as watchDefaults } from "../src/commands/watch.js"
import { env, lines, run } from "./support/Cli.js"
import * as Fixtures from "./support/Fixtures.js"

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
const flat = readme.replace(/\s+/g, " ")

/** The bundled data set on a held clock: its running executions stay running. */
const mock = RefoldMock.layer({ fixtures: Fixtures.data, clock: { speed: 0 } })

describe("the README's list sample", () => {
  const sample = [...readme.matchAll(/```\n(ID {2,}CREATED[\s\S]*?)```/g)].map((m) => m[1]!)
  it.effect("is what `list --status ERRORED` prints for the bundled data set", () =>
    Effect.gen(function*() {
      expect(sample).toHaveLength(1)
      const [header, ...rest] = lines(sample[0]!)
      const rows = rest.filter((line) => /^[0-9a-f]{24} /.test(line))
      const footer = rest.at(-1)!.replace(/\s+\(on stderr\)$/, "")
      expect(flat.includes("`list --status ERRORED` prints"), "the sample names its command").toBe(true)
      const { exitCode, stdout, stderr } = yield* run(["list", "--status", "ERRORED"])
      expect(exitCode).toBe(0)
      expect(lines(stdout).slice(0, rows.length + 1)).toEqual([header, ...rows])
      expect(lines(stderr)).toEqual([footer])
    }).pipe(Effect.provide(mock)))
})

describe("the README's defaults", () => {
  it.effect("are the CLI's: the page size of --all, the interval and timeout of watch and run", () =>
    Effect.sync(() => {
      expect(flat).toContain(`\`--all\` walks every page with \`Executions.stream\` (${ALL_PAGE_SIZE} per request unless \`--limit\` says otherwise)`)
      const interval = `${Duration.toSeconds(watchDefaults.interval)}s`
      const timeout = `${Duration.toMinutes(watchDefaults.timeout)}m`
      expect(readme).toContain(`refold-executions watch <id> [--interval ${interval}] [--timeout ${timeout}]`)
      expect(readme).toContain(`[--interval ${interval}] [--timeout ${timeout}]\n\`\`\``)
    }))
})

describe("the README's messages of exit code 2", () => {
  /** The table's example messages for code 2, each cut at its `…`. */
  const examples = flat.split("| 2 |")[1]!.split("\n")[0]!.split(" | ")[1]!.split(" · ").map((m) => m.replace(/^`|`$/g, "").split("…")[0]!.trimEnd())
  const { REFOLD_API_KEY: _key, REFOLD_LINKED_ACCOUNT_ID: _account, ...none } = env
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, Record<string, string>]> = [
    [["list"], none],
    [["list", "--since", "2026-02-30"], env],
    [["list", "--limit", "abc"], env],
    [["list", "--status"], env],
    [["list", "--status", "FAILED"], env]
  ]
  it.effect("are found, one per case", () => Effect.sync(() => expect(examples).toHaveLength(cases.length)))
  it.effect("are what the CLI says, with exit code 2", () =>
    Effect.gen(function*() {
      for (const [i, [args, vars]] of cases.entries()) {
        const { exitCode, stderr } = yield* run(args, vars)
        expect({ args, exitCode }).toEqual({ args, exitCode: 2 })
        expect(stderr.startsWith(examples[i]!), `${stderr} starts with ${examples[i]}`).toBe(true)
      }
    }).pipe(Effect.provide(mock)))
})

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const snippetDir = `${packageDir}test/.readme-suites`
/** The README's snippets that use the test harness, as test files one folder below it. */
const suites = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((code) => code.includes(`from "./support/Cli.js"`))

describe("the README's test snippets", () => {
  beforeAll(() =>
    writeSnippetProject(snippetDir, Object.fromEntries(suites.map((code, i) => [`suite${i}.test.ts`, code.replaceAll(`from "./support/`, `from "../support/`)])))
  )
  afterAll(() => rmSync(snippetDir, { recursive: true, force: true }))

  it("are found, each with its imports", () => {
    expect(suites.length).toBeGreaterThanOrEqual(2)
    for (const code of suites) expect(code).toMatch(/^import \{ expect, it \} from "@effect\/vitest"$/m)
  })

  it("each typechecks on its own and passes", async () => {
    expect(outcome(await typecheckSnippets(snippetDir, packageDir))).toEqual(passed)
    expect(outcome(await runSnippetSuites(snippetDir, packageDir))).toEqual(passed)
  }, 180_000)
})
