/**
 * The admin API's curl commands in the README work as written (host swapped for a served mock), the
 * limits the README states are the code's, and every TypeScript snippet is complete: each one, as it
 * stands, typechecks on its own and runs (a vitest snippet as a vitest suite), as the SDK's README
 * test does. A snippet that needs the SDK runs in apps/example-cli (test/mockReadme.test.ts), which
 * has both packages: the mock never depends on the SDK.
 */
import { readFileSync, rmSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Admin, createMockApp, Journal, Lifecycle, serve, SessionTokens, type MockServer } from "../src/index.js"
import * as Arrivals from "../src/internal/Arrivals.js"
import * as Body from "../src/internal/Body.js"
import * as CustomHeaders from "../src/internal/CustomHeaders.js"
import * as Regex from "../src/internal/Regex.js"
import * as Subscriptions from "../src/internal/Subscriptions.js"
import * as WebhookRoutes from "../src/internal/WebhookRoutes.js"
import { ExecutionStore } from "../src/index.js"
import { outcome, passed, runNode, runSnippetSuites, typecheckSnippets, writeSnippetProject } from "../../../snippets.shared.js"
import { small } from "./support/data.js"

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")

/** `curl -X POST localhost:4010/<path> -H '<name>: <value>' -d '<body>'` lines of the README. */
const commands = [...readme.matchAll(/^curl -X (\w+) localhost:4010(\/\S+)((?: -H '[^']*')*) -d '([^']*)'$/gm)].map(([, method, path, headers, body]) => ({
  method: method!,
  path: path!,
  headers: Object.fromEntries([...headers!.matchAll(/-H '([^:]+): ([^']*)'/g)].map(([, name, value]) => [name!, value!])),
  body: body!
}))

describe("the README's admin commands", () => {
  let server: MockServer
  beforeAll(async () => {
    server = await serve(createMockApp({ data: small(5) }), { port: 0 })
  })
  afterAll(() => server.close())

  it("are found", () => expect(commands.length).toBeGreaterThanOrEqual(2))

  it("answer 200 as written", async () => {
    for (const { method, path, headers, body } of commands) {
      const response = await fetch(`${server.url}${path}`, { method, headers, body })
      expect(response.status, `${method} ${path}`).toBe(200)
    }
  })
})

describe("the README's limits", () => {
  it("are the code's", () => {
    expect(readme).toContain(`larger than ${Admin.MAX_BODY_BYTES / 1024} KiB`)
    expect(readme).toContain(`nested deeper than ${Admin.MAX_DEPTH} levels`)
    expect(readme).toContain(`longer than ${Regex.MAX_LENGTH} characters`)
    expect(readme).toContain(`slices of ${Journal.SLICE_MS} ms`)
    expect(readme).toContain(`gives up after ${Journal.COUNT_BUDGET_MS / 1000} s`)
    expect(readme).toContain(`at most ${SessionTokens.MAX_MINTED.toLocaleString("en-US")} are valid at once`)
    expect(readme).toContain(`(${SessionTokens.TTL_SECONDS.toLocaleString("en-US")} s, its \`exp\``)
    expect(readme).toContain(`a body over ${Body.MAX_BYTES / 1024 / 1024} MiB`)
    expect(readme).toContain(`nests deeper than ${WebhookRoutes.maxDepth} levels`)
    expect(readme).toContain(`rendered body longer than ${WebhookRoutes.maxBody} characters`)
    for (const name of CustomHeaders.reserved) expect(readme).toContain(`\`${name}\``)
    expect(readme).toContain(`At most ${Subscriptions.maxPerKey} webhooks per key, and ${Subscriptions.maxTotal.toLocaleString("en-US")} per mock`)
    expect(readme).toContain(`At most ${Arrivals.MAX_HELD.toLocaleString("en-US")} arrived executions are held`)
    expect(readme).toContain(`at most ${ExecutionStore.MAX_FILTER_INDEXES} such indexes per app`)
    expect(readme).toContain(`\`STOPPED\` ${Lifecycle.STOP_MS / 1000} s later on the mock's clock`)
    expect(readme).toContain(`\`STOPPED\` ${Lifecycle.STOP_MS / 1000} s of clock later`)
  })
})

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const snippetDir = `${packageDir}test/.readme-snippets`

const exec = (args: ReadonlyArray<string>) => runNode(args, packageDir)

/** The README's TypeScript code blocks, but those that need the SDK (tested in apps/example-cli). */
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((code) => !code.includes("@refold-effect/sdk"))
/** A snippet that imports vitest is a test file, run by vitest; the others are scripts. */
const isSuite = (code: string) => /from "(@effect\/)?vitest"/.test(code)
const fileOf = (code: string, i: number) => `snippet${i}${isSuite(code) ? ".test" : ""}.ts`

describe("the README's TypeScript snippets", () => {
  beforeAll(() => writeSnippetProject(snippetDir, Object.fromEntries(snippets.map((code, i) => [fileOf(code, i), code])), { noUnusedLocals: false }))
  afterAll(() => rmSync(snippetDir, { recursive: true, force: true }))

  it("are found, each with its imports", () => {
    expect(snippets.length).toBeGreaterThanOrEqual(2)
    expect(snippets.some(isSuite)).toBe(true)
    for (const code of snippets) expect(code).toMatch(/^import /m)
  })

  it("each typechecks on its own", async () => {
    expect(outcome(await typecheckSnippets(snippetDir, packageDir))).toEqual(passed)
  }, 180_000)

  it("each runs: the scripts without an error, the suites passing", async () => {
    const scripts = snippets.flatMap((code, i) => (isSuite(code) ? [] : [fileOf(code, i)]))
    const results = await Promise.all([
      ...scripts.map((file) => exec(["--conditions=@refold-effect/source", "--import", "tsx", `${snippetDir}/${file}`])),
      runSnippetSuites(snippetDir, packageDir)
    ])
    results.forEach((result, i) => expect({ run: i, ...outcome(result) }).toEqual({ run: i, ...passed }))
  }, 180_000)
})

describe("the install lines of the contract-test kit", () => {
  // npm's latest @effect/vitest is for Effect 4: a line without versions fails with ERESOLVE.
  const manifest = JSON.parse(readFileSync(`${packageDir}package.json`, "utf8")) as { devDependencies: Record<string, string> }
  const kit = `@effect/vitest@${/\d+\.\d+/.exec(manifest.devDependencies["@effect/vitest"]!)![0]} vitest@${/\d+/.exec(manifest.devDependencies["vitest"]!)![0]}`
  const rootReadme = readFileSync(`${packageDir}../../README.md`, "utf8")

  it("name the workspace's versions of @effect/vitest and vitest", () => {
    for (const text of [readme, rootReadme]) {
      const lines = text.split("\n").filter((line) => /npm install --save-dev\b.*\bvitest\b/.test(line))
      expect(lines.length).toBeGreaterThanOrEqual(1)
      for (const line of lines) expect(line).toContain(kit)
    }
  })
})
