import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { OpenApi, RefoldApi } from "../src/index.js"

const committed = readFileSync(new URL("../openapi.json", import.meta.url), "utf8")

describe("OpenApi", () => {
  it("matches the committed openapi.json (regenerate: pnpm --filter @refold-effect/contract openapi)", () => {
    expect(committed).toBe(OpenApi.render())
  })

  const spec = OpenApi.document()

  it("documents every endpoint with its parameters and both auth schemes", () => {
    expect(Object.keys(spec.paths)).toEqual([
      "/api/v2/public/execution",
      "/api/v2/public/execution/{execution_id}",
      "/api/v2/public/execution/{execution_id}/stop",
      "/api/v2/public/execution/{execution_id}/rerun",
      "/api/v2/public/execution/{execution_id}/nodes/{node_id}/batches",
      "/api/v2/public/workflow/{workflow_id}/execute",
      "/api/v2/public/webhook",
      "/api/v2/public/webhook/{id}"
    ])
    const list = spec.paths["/api/v2/public/execution"]!.get!
    expect(list.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      "header:linked_account_id",
      "query:page",
      "query:limit",
      "query:status",
      "query:execution_source",
      "query:execution_type",
      "query:start_date",
      "query:end_date",
      "query:slug",
      "query:workflow_name",
      "query:workflow_id",
      "query:execution_id",
      "query:sortAsc"
    ])
    expect(list.security).toEqual([{ OrgApiKey: [] }, { LinkedAccountToken: [] }])
    expect(spec.components.securitySchemes).toMatchObject({
      OrgApiKey: { type: "apiKey", in: "header", name: "x-api-key" },
      LinkedAccountToken: { type: "http", scheme: "bearer" }
    })
    const get = spec.paths["/api/v2/public/execution/{execution_id}"]!.get!
    expect(Object.keys(get.responses).sort()).toEqual(["200", "400", "401", "403", "404", "429", "500", "502", "503", "504"])
    for (const action of ["stop", "rerun"]) {
      const post = spec.paths[`/api/v2/public/execution/{execution_id}/${action}`]!.post!
      expect(Object.keys(post.responses)).toContain("404")
    }
    const batches = spec.paths["/api/v2/public/execution/{execution_id}/nodes/{node_id}/batches"]!.get!
    expect(Object.keys(batches.responses)).toContain("501")
    expect(batches.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(["path:execution_id", "path:node_id", "header:linked_account_id", "query:page", "query:limit", "query:status"])
    const execute = spec.paths["/api/v2/public/workflow/{workflow_id}/execute"]!.post!
    expect(execute.parameters.find((p) => p.name === "slug")).toMatchObject({ in: "header", required: true })
    expect(execute.requestBody).toMatchObject({ required: false })
    expect(Object.keys(execute.responses)).toContain("400")
    // Webhooks: the org API key alone, and both spellings of the body documented.
    const register = spec.paths["/api/v2/public/webhook"]!.post!
    expect(register.security).toEqual([{ OrgApiKey: [] }])
    expect(register.requestBody).toMatchObject({ content: { "application/json": { schema: { $ref: "#/components/schemas/CreateWebhookRequest" } } } })
    expect(Object.keys((spec.components.schemas["CreateWebhookRequest"] as { properties: object }).properties)).toEqual(expect.arrayContaining(["webhook_url", "url", "webhook_events", "events"]))
    expect(Object.keys(spec.paths["/api/v2/public/webhook/{id}"]!)).toEqual(["get", "put", "delete"])
  })

  it("lists every route of the definition, for servers and clients to derive from", () => {
    expect(RefoldApi.endpoints.map((e) => `${e.method} ${e.path}`)).toEqual([
      `GET ${RefoldApi.listPath}`,
      `GET ${RefoldApi.getPath}`,
      `POST ${RefoldApi.stopPath}`,
      `POST ${RefoldApi.rerunPath}`,
      `GET ${RefoldApi.batchesPath}`,
      `POST ${RefoldApi.executePath}`,
      `GET ${RefoldApi.webhooksPath}`,
      `POST ${RefoldApi.webhooksPath}`,
      `GET ${RefoldApi.webhookPath}`,
      `PUT ${RefoldApi.webhookPath}`,
      `DELETE ${RefoldApi.webhookPath}`
    ])
    const documented = Object.entries(spec.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
    expect(RefoldApi.endpoints.map((e) => `${e.method} ${e.path.replace(/:([a-z_]+)/g, "{$1}")}`)).toEqual(documented)
    expect(RefoldApi.pathOf(RefoldApi.batchesPath, { execution_id: "a/b", node_id: "3" })).toBe("/api/v2/public/execution/a%2Fb/nodes/3/batches")
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
