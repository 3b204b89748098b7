/**
 * `openapi.json` as a team outside this repository reads it: valid OpenAPI by a real validator,
 * its operations named as the vendor names them, and the headers of every answer described.
 */
import { validate } from "@readme/openapi-parser"
import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { RefoldApi, Webhook } from "../src/index.js"
import { docsDir } from "./support/vendorDocs.js"

const text = () => readFileSync(new URL("../openapi.json", import.meta.url), "utf8")

const committed = (): { paths: Record<string, Record<string, { operationId: string; responses: Record<string, { headers?: Record<string, unknown> }> }>>; components: Record<string, unknown> } =>
  JSON.parse(text())

const operations = () => Object.entries(committed().paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })))

/** `/a/{instanceId}/stop` and `/a/{execution_id}/stop` are one route: the parameter's name does not travel. */
const route = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, "{}")}`

describe("openapi.json", () => {
  it("is a valid OpenAPI 3.1 document (@readme/openapi-parser)", async () => {
    const result = await validate(fileURLToPath(new URL("../openapi.json", import.meta.url)))
    expect(result).toMatchObject({ valid: true, specification: "OpenAPI" })
  })

  it("names each operation as its endpoint, and as the vendor's document where it has the route", () => {
    expect(operations().map((o) => o.operation.operationId)).toEqual(RefoldApi.endpoints.map((e) => e.name))
    // The vendor's operationId of each route, read from its YAML (path item, method, operationId).
    const yaml = readFileSync(join(docsDir, "refold-public-api.openapi.yaml"), "utf8")
    const vendor = new Map<string, string>()
    for (const m of yaml.matchAll(/^ {2}(\/api\/v2\/public\/\S+):\n((?: {4}.*\n|\n)+)/gm)) {
      for (const op of m[2]!.matchAll(/^ {4}(get|post|put|delete|patch):\n {6}operationId: (\w+)/gm)) vendor.set(route(op[1]!, m[1]!), op[2]!)
    }
    const differ = operations()
      .filter((o) => vendor.has(route(o.method, o.path)) && vendor.get(route(o.method, o.path)) !== o.operation.operationId)
      .map((o) => `${o.operation.operationId} (vendor: ${vendor.get(route(o.method, o.path))})`)
    // getExecution keeps its name (the SDK's method, the mock's scenarios): the one documented difference.
    expect(differ).toEqual(["getExecution (vendor: getExecutionById)"])
    expect(vendor.size).toBeGreaterThan(10)
  })

  it("describes the x-request-id header of every answer, and Retry-After on a 429", () => {
    const components = committed().components as { headers?: Record<string, unknown> }
    expect(Object.keys(components.headers ?? {})).toEqual(["RequestId", "RetryAfter"])
    for (const { operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        expect({ operation: operation.operationId, status, headers: Object.keys(response.headers ?? {}) }).toEqual({
          operation: operation.operationId,
          status,
          headers: status === "429" ? ["x-request-id", "Retry-After"] : ["x-request-id"]
        })
      }
    }
  })

  it("declares the gateway statuses (502, 503, 504) of every operation, with the vendor's error body", () => {
    for (const { operation } of operations()) {
      expect({ operation: operation.operationId, statuses: Object.keys(operation.responses).filter((s) => s >= "502") }).toEqual({
        operation: operation.operationId,
        statuses: expect.arrayContaining(["502", "503", "504"])
      })
    }
  })

  it("describes the deliveries a webhook receives: one per event, its payload schema, signed", () => {
    const { webhooks, components } = committed() as unknown as {
      webhooks?: Record<string, { post: { parameters: Array<{ name: string; in: string; required: boolean }>; requestBody: { content: Record<string, { schema: { $ref: string } }> } } }>
      components: { schemas: Record<string, unknown> }
    }
    expect(Object.keys(webhooks ?? {})).toEqual([...Webhook.workflowEvents, ...Webhook.connectionEvents])
    for (const [event, { post }] of Object.entries(webhooks!)) {
      const payload = (Webhook.workflowEvents as ReadonlyArray<string>).includes(event) ? "WorkflowWebhookPayload" : "ConnectionWebhookPayload"
      expect(post.requestBody.content["application/json"]!.schema).toEqual({ $ref: `#/components/schemas/${payload}` })
      expect(post.parameters).toContainEqual(expect.objectContaining({ name: Webhook.signatureHeader, in: "header", required: true }))
    }
    expect(components.schemas["WorkflowWebhookPayload"]).toMatchObject({ required: ["event", "linked_account_id", "instance_id", "workflow_id", "status"] })
  })
})
