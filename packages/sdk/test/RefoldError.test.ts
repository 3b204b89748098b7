import { describe, expect, it } from "@effect/vitest"
import { Duration, Schema } from "effect"
import { isRefoldError, NotFound, RateLimited, RefoldError, Timeout } from "../src/index.js"

describe("RefoldError", () => {
  it("recognises the SDK's errors and nothing else", () => {
    expect(isRefoldError(new NotFound({ status: 404, message: "Execution not found" }))).toBe(true)
    expect(isRefoldError(new Timeout({ kind: "attempt", timeout: Duration.seconds(1), message: "late" }))).toBe(true)
    expect(isRefoldError(new Error("NotFound"))).toBe(false)
    expect(isRefoldError({ _tag: "NotFound" })).toBe(false)
  })

  it("errors are Errors with their tag, fields and message, and round-trip through JSON with the union schema", () => {
    const error = new RateLimited({ status: 429, retryAfter: Duration.seconds(3), errorCode: "RATE_LIMITED", message: "Slow down", requestId: "r1" })
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toBe("Slow down")
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ _tag: "RateLimited", status: 429, errorCode: "RATE_LIMITED", requestId: "r1" })
    const wire = JSON.parse(JSON.stringify(Schema.encodeSync(RefoldError)(error)))
    const decoded = Schema.decodeUnknownSync(RefoldError)(wire)
    expect(decoded).toBeInstanceOf(RateLimited)
    expect(decoded).toEqual(error)
  })
})
