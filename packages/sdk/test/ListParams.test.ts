import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as ListParams from "../src/ListParams.js"

const encoded = (params: ListParams.ListParams) => Either.getOrThrow(ListParams.encode(params))
const rejected = (params: unknown) => {
  const result = ListParams.encode(params as ListParams.ListParams)
  if (Either.isRight(result)) throw new Error(`expected a rejection, got ${JSON.stringify(result.right)}`)
  return result.left
}

describe("ListParams.encode", () => {
  it("sends only what was given, as the query strings of the wire", () => {
    expect(encoded({})).toEqual({})
    expect(encoded({ page: 2, limit: 50, status: "ERRORED", execution_type: "SYNC" })).toEqual({
      page: "2",
      limit: "50",
      status: "ERRORED",
      execution_type: "SYNC"
    })
  })

  it("accepts the OpenAPI spelling of execution_source and sends the canonical one", () => {
    expect(encoded({ execution_source: "API_CALL" })).toEqual({ execution_source: "API Call" })
    expect(encoded({ execution_source: "SCHEDULE" })).toEqual({ execution_source: "Schedule" })
    expect(encoded({ execution_source: "Event" })).toEqual({ execution_source: "Event" })
  })

  it("sends a Date at UTC midnight as the day, any other Date as the instant", () => {
    expect(encoded({ start_date: new Date("2024-03-01T00:00:00.000Z"), end_date: new Date(Date.UTC(2024, 2, 31)) })).toEqual({
      start_date: "2024-03-01",
      end_date: "2024-03-31"
    })
    expect(encoded({ start_date: new Date("2024-03-01T10:30:00.000Z") })).toEqual({ start_date: "2024-03-01T10:30:00.000Z" })
    expect(encoded({ start_date: "2024-03-01", end_date: "2024-03-02T00:00:00Z" })).toEqual({
      start_date: "2024-03-01",
      end_date: "2024-03-02T00:00:00Z"
    })
  })

  it("rejects bad values before sending, with an InvalidArgument naming the parameter", () => {
    const error = rejected({ limit: 0 })
    expect(error._tag).toBe("InvalidArgument")
    expect(error.parameter).toBe("limit")
    expect(error.message).toBe('Invalid query parameter "limit": expected a positive integer no greater than 1000, got "0"')
    expect(rejected({ page: 1.5 }).message).toMatch(/^Invalid query parameter "page"/)
    expect(rejected({ limit: 5000 }).message).toMatch(/^Invalid query parameter "limit"/)
    expect(rejected({ status: "DONE" }).message).toMatch(/^Invalid query parameter "status": expected one of All, COMPLETED/)
    expect(rejected({ execution_type: "sync" }).message).toMatch(/^Invalid query parameter "execution_type"/)
    expect(rejected({ start_date: "2024-02-30" }).message).toMatch(/^Invalid query parameter "start_date"/)
    expect(rejected({ end_date: new Date("nope") }).message).toBe('Invalid query parameter "end_date": expected a valid Date, got Invalid Date')
    expect(rejected({ start_date: "2024-03-02", end_date: "2024-03-01" }).message).toBe(
      "Invalid query parameters: start_date (2024-03-02) is after end_date (2024-03-01)"
    )
  })

  // From JavaScript, or through `any`: never a crash, nor "[object Object]" sent as a filter.
  it("refuses params that are not an object, and values that are not text, numbers, booleans or Dates", () => {
    expect(rejected(null)).toMatchObject({ parameter: "params", message: "Invalid query parameters: expected an object, got null" })
    expect(rejected("ERRORED").message).toBe("Invalid query parameters: expected an object, got a string")
    expect(rejected({ execution_id: { a: 1 } })).toMatchObject({
      parameter: "execution_id",
      message: 'Invalid query parameter "execution_id": expected a string, number, boolean or Date, got an object'
    })
    expect(ListParams.record(null, "query parameters")).toEqual(Either.left(rejected(null)))
    expect(rejected({ status: ["ERRORED", "COMPLETED"] }).message).toBe(
      'Invalid query parameter "status": expected a string, number, boolean or Date, got an array'
    )
  })
})
