/**
 * The README's table of operations, one table (a blank line would end it: the rest renders as
 * text), lists every operation of the definition, in order. Its client snippet runs against the
 * mock in `packages/mock/test/contractReadme.test.ts`.
 */
import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { RefoldApi } from "../src/index.js"

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
