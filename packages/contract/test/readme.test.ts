/**
 * The README's table of operations, one table (a blank line would end it: the rest renders as
 * text), lists every operation of the definition, in order. Its client snippet runs against the
 * mock in `packages/mock/test/contractReadme.test.ts`.
 */
import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { Either } from "effect"
import { Execution, ListQuery, RefoldApi } from "../src/index.js"
import { docsDir } from "./support/vendorDocs.js"

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")

describe("the README", () => {
  it("lists every operation in one table, with its route", () => {
    const section = readme.split("## The operations\n")[1]!
    const table = section.slice(section.indexOf("|")).split("\n")
    const rows = table.slice(0, table.findIndex((line) => !line.startsWith("|"))).slice(2)
    expect(rows.map((row) => row.split("|")[1]!.trim())).toEqual(RefoldApi.endpoints.map((e) => `\`${e.name}\``))
    for (const [i, e] of RefoldApi.endpoints.entries()) expect(rows[i]).toContain(`\`${e.method} ${e.path}\``)
  })

  it("names the security schemes of openapi.json", () => {
    const document = JSON.parse(readFileSync(new URL("../openapi.json", import.meta.url), "utf8")) as { components: { securitySchemes: object } }
    for (const name of Object.keys(document.components.securitySchemes)) expect(readme).toContain(`\`${name}\``)
  })
})

describe("the README's execution_source row", () => {
  const row = readme.split("\n").find((line) => line.startsWith("| `execution_source` values |"))!
  const accepted = row.split("|")[2]!
  const named = [...accepted.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)

  it("names values the contract accepts, and every source", () => {
    expect(named.length).toBeGreaterThanOrEqual(6)
    for (const value of named) expect(Either.isRight(ListQuery.decode({ execution_source: value })), value).toBe(true)
    for (const source of Execution.sources) expect(named).toContain(source)
  })

  it("attributes to the vendor's OpenAPI document only the values it lists", () => {
    const document = readFileSync(`${docsDir}/refold-public-api.openapi.yaml`, "utf8")
    const claimed = accepted.split("(OpenAPI document")[0]!.split("(docs pages, SDK typings)").at(-1)!
    for (const [, value] of claimed.matchAll(/`([^`]+)`/g)) expect(document, value).toMatch(new RegExp(`^\\s+- ${value}$`, "m"))
  })
})

describe("the README's bounds", () => {
  const flat = readme.replace(/\s+/g, " ")
  it("are the contract's: the text filters' lengths and the page size", () => {
    const { slug, workflow_name, workflow_id, execution_id } = ListQuery.MAX_TEXT
    expect(workflow_id).toBe(execution_id)
    expect(flat).toContain(`(\`ListQuery.MAX_TEXT\`: \`slug\` ${slug} characters, \`workflow_name\` ${workflow_name}, \`workflow_id\` and \`execution_id\` ${workflow_id})`)
    expect(flat).toContain(`| maximum \`limit\` | 1 to ${ListQuery.MAX_LIMIT} |`)
  })

  it("every operation declares the statuses the README says it does", () => {
    const document = JSON.parse(readFileSync(new URL("../openapi.json", import.meta.url), "utf8")) as { paths: Record<string, Record<string, { responses: object }>> }
    expect(flat).toContain("Every operation also declares 401 (its authentication), 429, 500 and the gateway statuses 502, 503 and 504")
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations)) expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(["401", "429", "500", "502", "503", "504"]))
    }
  })
})
