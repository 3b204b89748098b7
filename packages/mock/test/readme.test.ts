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
import { ErrorBody, ListQuery } from "@refold-effect/contract"
import { Admin, createMockApp, Faults, Journal, Lifecycle, MockClock, Scenario, serve, SessionTokens, Stubs, WebhookDeliveries, type MockServer } from "../src/index.js"
import * as Arrivals from "../src/internal/Arrivals.js"
import * as Body from "../src/internal/Body.js"
import * as KitOptions from "../src/internal/KitOptions.js"
import * as Options from "../src/internal/Options.js"
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

/** The README's text from a heading to the next one of the same level. */
const section = (heading: string) => {
  const start = readme.indexOf(`\n${heading}\n`)
  expect(start, heading).toBeGreaterThan(-1)
  const level = heading.split(" ")[0]!
  const end = readme.indexOf(`\n${level} `, start + heading.length + 2)
  return readme.slice(start, end === -1 ? undefined : end)
}

/** The row of a Markdown table whose first cell is `first`, as its cells. */
const row = (first: string) => {
  const line = readme.split("\n").find((l) => l.startsWith(`| ${first} |`))
  expect(line, first).toBeDefined()
  return line!.split("|").slice(1, -1).map((cell) => cell.trim())
}

describe("the README's numbers and tables", () => {
  const en = (n: number) => n.toLocaleString("en-US")

  it("the Limits table states the code's bounds", () => {
    expect(row("journal")[1]).toBe(`${en(Journal.defaultCapacity)} requests (\`journal: n\`)`)
    expect(row("journaled bodies")[1]).toBe(`${Journal.MAX_BODY_CHARS / 1024} KiB each, ${Journal.BODIES_BUDGET / 1024 / 1024} MiB in all`)
    expect(readme.replace(/\s+/g, " ")).toContain(`cut at ${Journal.MAX_BODY_CHARS / 1024} KiB (\`bodyTruncated: true\` then); the journal holds at most ${Journal.BODIES_BUDGET / 1024 / 1024} MiB of bodies in all`)
    expect(row("scenario `delay`, `hang`")[1]).toBe(`${en(Scenario.MAX_DELAY_MS)} ms`)
    expect(row("`page`, `limit`")[1]).toContain(`1 to 10⁹, 1 to ${ListQuery.MAX_LIMIT}`)
    expect(ListQuery.MAX_PAGE).toBe(10 ** 9)
    expect(row("admin body")[1]).toContain(`${Admin.MAX_BODY_BYTES / 1024} KiB, JSON nested at most ${Admin.MAX_DEPTH} deep`)
    expect(row("minted session tokens")[1]).toBe(`${en(SessionTokens.MAX_MINTED)} valid at once, each for ${SessionTokens.TTL_SECONDS / 3600} h; all forgotten on reset`)
    expect(row("one journal count over HTTP")[1]).toBe(`${Journal.COUNT_BUDGET_MS / 1000} s of matching, in ${Journal.SLICE_MS} ms slices`)
    expect(row("regex in a pattern")[1]).toContain(`${Regex.MAX_LENGTH} characters`)
    expect(row("webhooks")[1]).toBe(`${Subscriptions.maxPerKey} per API key, ${en(Subscriptions.maxTotal)} per mock`)
  })

  it("the other bounds in the text are the code's", () => {
    const flat = readme.replace(/\s+/g, " ")
    expect(flat).toContain(`bounded (${Journal.defaultCapacity} by default; \`journal: n\` sets it, up to ${en(Journal.MAX_CAPACITY)}`)
    expect(flat).toContain(`at most ${en(Stubs.MAX_STUBS)} stubs`)
    expect(flat).toContain(`values shorter than ${Journal.MIN_SECRET_LENGTH} characters are left alone elsewhere`)
    expect(flat).toContain(`wait 0–${Scenario.MAX_DELAY_MS} ms first`)
    expect(flat).toContain(`| statuses ${Faults.defaultStatuses.join(", ")} |`)
    expect(flat).toContain(`one of \`statuses\` (default ${Faults.defaultStatuses.join(", ")})`)
    expect(flat).toContain(`(then the mock lets go at once), at most ${Scenario.MAX_DELAY_MS / 60_000} minutes`)
    expect(flat).toContain(`\`page\` (default 1, at most 10⁹), \`limit\` (default 10, at most ${ListQuery.MAX_LIMIT}`)
    expect(flat).toContain(`wakes at most every ${MockClock.WAKE_MS} ms (\`MockClock.WAKE_MS\`)`)
    expect(flat).toContain(`an integer from ${Lifecycle.seeds.min} to ${Lifecycle.seeds.max}`)
    expect(flat).toContain(`one node ran ${Lifecycle.NODE_TIMEOUT_MS / 1000} s and is \`Timed_Out\``)
    expect(flat).toContain(`"Node did not finish within ${Lifecycle.NODE_TIMEOUT_MS} ms"`)
    const odds = Lifecycle.defaultOdds
    expect(flat).toContain(`Outcomes (${odds.COMPLETED} % \`COMPLETED\`, ${odds.ERRORED} % \`ERRORED\`, ${odds.TIMED_OUT} % \`TIMED_OUT\`)`)
    const range = ([lower, upper]: readonly [number, number]) => `${en(lower)}–${en(upper)}`
    const timings = Object.entries(Lifecycle.nodeMs).map(([type, span]) => `\`${type}\` ${range(span)}`).join(", ")
    expect(flat).toContain(`catalogue): ${timings}, any other ${range(Lifecycle.otherNodeMs)}.`)
  })

  it("the webhooks option table states the deliveries' defaults", () => {
    for (const [option, value] of Object.entries(WebhookDeliveries.defaults)) {
      // The option's row, its first cell the option's name (and the command line's flag, if any).
      const line = readme.split("\n").find((l) => l.startsWith(`| \`${option}\` |`) || l.startsWith(`| \`${option}\` (`))
      expect(line, option).toBeDefined()
      expect(line!.split("|")[2]!.trim(), option).toBe(String(value))
    }
  })

  it("the health route answers the fields the README lists", async () => {
    const mock = createMockApp({ data: small(5) })
    try {
      const health = (await (await mock.fetch(new Request("http://mock/__admin/health"))).json()) as object
      expect(row("`GET /__admin/health`")[1]).toBe(`\`{ status: "healthy", ${Object.keys(health).filter((k) => k !== "status").join(", ")} }\``)
    } finally {
      mock.close()
    }
  })

  it("a journal entry has the fields the Journal section lists", async () => {
    const mock = createMockApp({ data: small(5) })
    try {
      await mock.fetch(new Request("http://mock/api/v2/public/execution", { headers: { "x-api-key": "tk_test" } }))
      const entry = mock.journal.requests()[0]! as unknown as Record<string, Record<string, unknown>>
      const text = section("## Journal").replace(/\s+/g, " ")
      for (const key of Object.keys(entry)) expect(text, key).toMatch(new RegExp(`\`${key}[\`:]`))
      // A GET's entry: the body (which only a route that reads one keeps) is the optional field.
      expect(text).toContain(`\`request: { ${Object.keys(entry["request"]!).join(", ")}, body? }\``)
      expect(text).toContain(`\`response: { ${Object.keys(entry["response"]!).join(", ")}, fault? }\``)
    } finally {
      mock.close()
    }
  })

  it("a delivery attempt has the fields the delivery journal's paragraph lists, and GET /__admin/clock those of its row", async () => {
    const mock = createMockApp({ data: small(5), webhooks: { retries: 0, timeout: 1000 } })
    try {
      const registered = await mock.fetch(new Request("http://mock/api/v2/public/webhook", {
        method: "POST",
        headers: { "x-api-key": "tk_test", "content-type": "application/json" },
        body: JSON.stringify({ url: "http://127.0.0.1:9/hook", events: ["Workflow Completed"] })
      }))
      expect(registered.status).toBe(200)
      const execution = { ...mock.store.executions()[0]!, status: "COMPLETED" as const, environment: "test" as const }
      expect(mock.webhooks.deliver({ execution, from: "RUNNING" })).toBe(1)
      await mock.webhooks.settled()
      const attempt = mock.webhooks.attempts()[0]!
      const text = readme.split("**The delivery journal**")[1]!.split("```")[0]!.replace(/\s+/g, " ")
      for (const key of Object.keys(attempt)) expect(text, key).toContain(`\`${key}\``)
      const clock = (await (await mock.fetch(new Request("http://mock/__admin/clock"))).json()) as object
      expect(row("`GET /__admin/clock`")[1]).toContain(`\`{ ${Object.keys(clock).join(", ")} }\``)
    } finally {
      mock.close()
    }
  })

  it("Prefer: code=<status> answers each status as the Scenarios table says", async () => {
    const mock = createMockApp({ data: small(5) })
    try {
      const cell = row("`code=<status>`")[2]!
      const named: Array<number> = []
      for (let status = 400; status <= 599; status++) {
        const response = await mock.fetch(new Request("http://mock/api/v2/public/execution", { headers: { prefer: `code=${status}` } }))
        expect(response.status).toBe(status)
        const body = (await response.json()) as { error_code: string; message: string }
        if (body.message === `Simulated ${status} error`) expect(body.error_code, String(status)).toBe(ErrorBody.httpErrorType(status))
        else if (![400, 401, 404].includes(status)) named.push(status)
      }
      expect(cell).toContain(`the status's name for ${named.slice(0, -1).join(", ")} and ${named.at(-1)} (`)
      expect(cell).toContain(`"Simulated 418 error"`)
      for (const status of [405, 418]) expect(cell).toContain(`\`${status}\` → \`${ErrorBody.httpErrorType(status)}\``)
    } finally {
      mock.close()
    }
  })

  it("the option lists of createMockApp and RefoldMock.layer are the code's", () => {
    const table = readme.split("| `RefoldMock.layer` option | |")[1]!.split("\n\n")[0]!
    const listed = [...table.matchAll(/^\| (.+?) \|/gm)].flatMap(([, cell]) => [...cell!.matchAll(/`(\w+)`/g)].map((m) => m[1]!))
    expect(listed.sort()).toEqual(Object.keys(KitOptions.checks).sort())
    expect(row("`baseUrl`")[1]).toContain(`default \`${KitOptions.defaultBaseUrl}\``)
    const paragraph = readme.split("`createMockApp(options)` takes ")[1]!.split("**Every option is checked")[0]!
    for (const name of Object.keys(Options.checks)) expect(paragraph, name).toContain(`\`${name}\``)
  })

  it("the paragraph on mock.store names each of its members", () => {
    const mock = createMockApp({ data: small(5) })
    try {
      const paragraph = readme.split("`mock.store` is the indexed data")[1]!.split("`MockHttpClient.fetch(mock)`")[0]!
      const members = Object.keys(mock.store).filter((name) => typeof (mock.store as unknown as Record<string, unknown>)[name] === "function" || name === "size")
      expect(members.length).toBeGreaterThan(8)
      for (const name of members) expect(paragraph, name).toMatch(new RegExp(`\`${name}[\`(]`))
    } finally {
      mock.close()
    }
  })

  it("a preflight allows the request headers the CORS section names, cached as long as it says", async () => {
    const mock = createMockApp({ data: small(5) })
    try {
      const response = await mock.fetch(new Request("http://mock/api/v2/public/execution", {
        method: "OPTIONS",
        headers: { origin: "http://localhost:5173", "access-control-request-method": "GET" }
      }))
      const text = section("## CORS")
      const allowed = response.headers.get("access-control-allow-headers")!.split(",")
      expect(allowed.length).toBeGreaterThan(3)
      expect(allowed.filter((name) => !text.includes(`\`${name}\``))).toEqual([])
      expect(text).toContain(`cached ${Number(response.headers.get("access-control-max-age")) / 60} minutes`)
      const answer = await mock.fetch(new Request("http://mock/api/v2/public/execution", { headers: { origin: "http://localhost:5173" } }))
      const exposed = answer.headers.get("access-control-expose-headers")!.split(",")
      expect(exposed.length).toBeGreaterThanOrEqual(2)
      for (const name of exposed) expect(text.toLowerCase()).toContain(`\`${name}\``)
    } finally {
      mock.close()
    }
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
