/**
 * The OpenAPI 3.1 document generated from {@link RefoldApi}. The package ships it as
 * `openapi.json`; a test fails when the committed file is stale.
 *
 * @since 0.1.0
 */
import { OpenApi } from "@effect/platform"
import { JSONSchema, type Schema } from "effect"
import { executePath, RefoldApi } from "./RefoldApi.js"
import * as Webhook from "./Webhook.js"

/** Operations whose body may be left out (`HttpApi` marks every body required), as OpenAPI paths. */
const optionalBodies = [executePath.replace(/:([A-Za-z_]+)/g, "{$1}")]

/** Components that `HttpApi` adds for its own request-decoding error, which our servers never send. */
const frameworkComponents = ["HttpApiDecodeError", "Issue", "PropertyKey"]

const isFrameworkRef = (schema: unknown) =>
  typeof schema === "object" && schema !== null && (schema as { $ref?: string }).$ref === "#/components/schemas/HttpApiDecodeError"

/** Drops `HttpApiDecodeError` from every response: bad input is answered with the vendor's error body. */
const withoutFrameworkErrors = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutFrameworkErrors)
  if (typeof value !== "object" || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(value)) {
    if (key === "anyOf" && Array.isArray(child)) {
      const kept = child.filter((s) => !isFrameworkRef(s))
      if (kept.length === 1) Object.assign(out, withoutFrameworkErrors(kept[0]))
      else out[key] = withoutFrameworkErrors(kept)
    } else out[key] = withoutFrameworkErrors(child)
  }
  return out
}

/** The response headers every answer carries, as OpenAPI header objects (`components.headers`). */
const headers = {
  RequestId: {
    description: "The request's id, also the error body's `request_id`: quote it when reporting a problem. The mock sends it on every answer.",
    schema: { type: "string" }
  },
  RetryAfter: {
    description: "Seconds to wait before retrying a 429. The vendor documents no rate-limit headers; the mock sends this one with every 429.",
    schema: { type: "integer", minimum: 0 }
  }
} as const

const headerRef = (name: keyof typeof headers) => ({ $ref: `#/components/headers/${name}` })

/** Each response's headers: `x-request-id` on every one, `Retry-After` on a 429 too. */
const responseHeaders = (status: string) => ({
  "x-request-id": headerRef("RequestId"),
  ...(status === "429" ? { "Retry-After": headerRef("RetryAfter") } : {})
})

/**
 * The deliveries a registered webhook receives (OpenAPI 3.1 `webhooks`), one per event: the JSON
 * payload of its kind, signed in `x-cobalt-signature`. Their schemas join `components.schemas`.
 */
const deliveries = (schemas: Record<string, unknown>) => {
  const ref = (schema: Schema.Schema.Any) =>
    JSONSchema.fromAST(schema.ast, {
      definitions: schemas as Record<string, JSONSchema.JsonSchema7>,
      definitionPath: "#/components/schemas/",
      target: "openApi3.1",
      additionalPropertiesStrategy: "allow"
    })
  const delivery = (event: string, payload: Schema.Schema.Any) => ({
    post: {
      summary: `${event} delivery`,
      description:
        "Sent to each enabled webhook registered for this event (with the method it was registered with, `POST` by default). Answer 200: any other answer, or none in time, is retried up to 3 times with exponential backoff, so deduplicate (on `instance_id` for workflow events).",
      parameters: [{
        name: Webhook.signatureHeader,
        in: "header",
        required: true,
        description: "The hex HMAC-SHA256 of the raw body, keyed on the API key that registered the webhook.",
        schema: { type: "string" }
      }],
      requestBody: { required: true, content: { "application/json": { schema: ref(payload) } } },
      responses: { "200": { description: "Received." } }
    }
  })
  return Object.fromEntries([
    ...Webhook.workflowEvents.map((event) => [event, delivery(event, Webhook.WorkflowPayload)] as const),
    ...Webhook.connectionEvents.map((event) => [event, delivery(event, Webhook.ConnectionPayload)] as const)
  ])
}

type Operation = { operationId: string; responses: Record<string, { headers?: object }> }

/**
 * Generates the OpenAPI document of the execution API. Objects allow additional properties,
 * because decoding is forward compatible: the vendor adds fields over time. Each `operationId` is
 * the endpoint's name (`listExecutions`, as the vendor's document names it; `HttpApi` would prefix
 * its group: `executions.listExecutions`), and each response lists the headers the mock sends.
 */
export const document = (): OpenApi.OpenAPISpec => {
  const spec = withoutFrameworkErrors(OpenApi.fromApi(RefoldApi, { additionalPropertiesStrategy: "allow" })) as OpenApi.OpenAPISpec
  for (const name of frameworkComponents) delete spec.components.schemas[name]
  ;(spec.components as { headers?: object }).headers = headers
  ;(spec as { webhooks?: object }).webhooks = deliveries(spec.components.schemas)
  for (const item of Object.values(spec.paths)) {
    for (const operation of Object.values(item) as Array<Operation>) {
      operation.operationId = operation.operationId.slice(operation.operationId.indexOf(".") + 1)
      for (const [status, response] of Object.entries(operation.responses)) response.headers = responseHeaders(status)
    }
  }
  for (const path of optionalBodies) {
    for (const operation of Object.values(spec.paths[path] ?? {})) {
      const body = (operation as { requestBody?: { required: boolean } }).requestBody
      if (body !== undefined) body.required = false
    }
  }
  return spec
}

/** The OpenAPI document as the text of `openapi.json` (two-space indent, trailing newline). */
export const render = (): string => `${JSON.stringify(document(), null, 2)}\n`
