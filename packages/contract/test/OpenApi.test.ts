import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { OpenApi, RefoldApi } from "../src/index.js"

const committed = readFileSync(new URL("../openapi.json", import.meta.url), "utf8")

describe("OpenApi", () => {
  it("matches the committed openapi.json (regenerate: pnpm --filter @refold-effect/contract openapi)", () => {
    expect(committed).toBe(OpenApi.render())
  })

  const spec = OpenApi.document()

  it("documents both endpoints with their parameters and both auth schemes", () => {
    expect(Object.keys(spec.paths)).toEqual(["/api/v2/public/execution", "/api/v2/public/execution/{execution_id}"])
    const list = spec.paths["/api/v2/public/execution"]!.get!
    expect(list.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      "header:linked_account_id",
      "query:page",
      "query:limit",
      "query:status",
      "query:execution_source",
      "query:execution_type",
      "query:start_date",
      "query:end_date"
    ])
    expect(list.security).toEqual([{ "Org API Key": [] }, { "Linked Account Token": [] }])
    expect(spec.components.securitySchemes).toMatchObject({
      "Org API Key": { type: "apiKey", in: "header", name: "x-api-key" },
      "Linked Account Token": { type: "http", scheme: "bearer" }
    })
    const get = spec.paths["/api/v2/public/execution/{execution_id}"]!.get!
    expect(Object.keys(get.responses).sort()).toEqual(["200", "400", "401", "403", "404", "429", "500"])
  })

  it("allows unknown fields, as decoding does, and leaves out the framework's own decode error", () => {
    expect(committed).not.toMatch(/"additionalProperties": false/)
    expect(committed).not.toMatch(/HttpApiDecodeError/)
  })

  it("serves the canonical spellings and lists the aliases", () => {
    const source = spec.paths[RefoldApi.listPath]!.get!.parameters.find((p) => p.name === "execution_source")!
    expect(JSON.stringify(source.schema)).toContain("API Call")
    expect(JSON.stringify(source.schema)).toContain("API_CALL")
  })
})
