import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { ErrorBody } from "../src/index.js"
import { examples } from "./support/vendorDocs.js"

const decode = Schema.decodeUnknownSync(ErrorBody.ErrorBody)
const errorExamples = examples().filter((e) => "status_code" in e.body)

describe("ErrorBody", () => {
  it("finds the error examples of every vendor page", () => {
    const statuses = new Set(errorExamples.map((e) => e.body["status_code"]))
    // 400, 401 and 404 from the README and pages, 501 from the batches page
    expect([...statuses].sort()).toEqual([400, 401, 404, 501])
    expect(new Set(errorExamples.map((e) => e.file)).size).toBeGreaterThanOrEqual(5)
  })

  it.each(errorExamples.map((e) => [`${e.file} ${e.body["status_code"]}`, e.body] as const))(
    "decodes the vendor's %s body, reading code and type in either spelling",
    (_, body) => {
      const decoded = decode(body)
      expect(decoded.status_code).toBe(body["status_code"])
      expect(ErrorBody.code(decoded)).toBe(body["error_code"] ?? body["error"])
      expect(ErrorBody.type(decoded)).toBe(body["http_error_type"] ?? body["error_type"])
      expect(decoded.message).toBe(body["message"])
    }
  )

  it("reads the older spellings: error for error_code, error_type for http_error_type", () => {
    const body = decode({ status_code: 401, error_type: "UNAUTHORIZED", error: "SERVER_ERROR", message: "Invalid Credentials" })
    expect(ErrorBody.code(body)).toBe("SERVER_ERROR")
    expect(ErrorBody.type(body)).toBe("UNAUTHORIZED")
    expect(body.request_id).toBeUndefined()
  })

  it("tolerates unknown fields and an empty body, but not wrong types", () => {
    expect(decode({ message: "x", trace: { a: 1 } })).toEqual({ message: "x" })
    expect(decode({})).toEqual({})
    expect(() => decode({ status_code: "401" })).toThrow(/status_code/)
  })

  it("makes the canonical body, which decodes to itself", () => {
    const [status, code, message] = ErrorBody.documented.notFound
    const body = ErrorBody.make(status, code, message, "req_1")
    expect(body).toEqual({
      status_code: 404,
      http_error_type: "NOT_FOUND",
      error_code: "RESOURCE_NOT_FOUND",
      message: "Execution not found",
      request_id: "req_1"
    })
    expect(decode(body)).toEqual(body)
  })

  it("matches the documented bodies of the vendor's README and pages exactly", () => {
    const documented = errorExamples.map((e) => e.body)
    for (const [status, code, message] of Object.values(ErrorBody.documented)) {
      const made: Record<string, unknown> = { ...ErrorBody.make(status, code, message, "…") }
      const match = documented.find((d) => d["status_code"] === status && d["error_code"] === code)
      expect(match, `README documents ${status} ${code}`).toBeDefined()
      for (const key of Object.keys(match!)) if (key !== "request_id") expect(made[key]).toBe(match![key])
    }
  })

  it("keeps the execute page's 400 for a missing slug verbatim", () => {
    const page = examples().filter((e) => e.file.endsWith("execute-workflow.mdx")).map((e) => e.body)
    expect(page).toContainEqual(ErrorBody.missingSlug)
    const decoded = decode({ ...ErrorBody.missingSlug, status_code: 400 })
    expect(ErrorBody.code(decoded)).toBe("Workflow ID and slug are required")
  })

  it("names the HTTP error type of every status the API uses", () => {
    expect([400, 401, 403, 404, 429, 500, 501, 502, 503].map(ErrorBody.httpErrorType)).toEqual([
      "BAD_REQUEST",
      "UNAUTHORIZED",
      "FORBIDDEN",
      "NOT_FOUND",
      "TOO_MANY_REQUESTS",
      "INTERNAL_SERVER_ERROR",
      "NOT_IMPLEMENTED",
      "BAD_GATEWAY",
      "SERVICE_UNAVAILABLE"
    ])
  })
})
