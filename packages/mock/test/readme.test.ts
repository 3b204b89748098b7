/**
 * The admin API's curl commands in the README work as written (host swapped for a served mock), and
 * the limits the README states are the code's.
 */
import { readFileSync } from "node:fs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Admin, createMockApp, Journal, serve, SessionTokens, type MockServer } from "../src/index.js"
import * as Arrivals from "../src/internal/Arrivals.js"
import * as Body from "../src/internal/Body.js"
import * as CustomHeaders from "../src/internal/CustomHeaders.js"
import * as Regex from "../src/internal/Regex.js"
import * as WebhookRoutes from "../src/internal/WebhookRoutes.js"
import { ExecutionStore } from "../src/index.js"
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
    expect(readme).toContain(`At most ${Arrivals.MAX_HELD.toLocaleString("en-US")} arrived executions are held`)
    expect(readme).toContain(`at most ${ExecutionStore.MAX_FILTER_INDEXES} such indexes per app`)
  })
})
