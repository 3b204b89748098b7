import { describe, expect, it } from "@effect/vitest"
import { ListQuery } from "@refold-effect/contract"
import { Either } from "effect"
import * as fc from "fast-check"
import * as Query from "../src/internal/Query.js"

const names = ["page", "limit", "status", "execution_source", "execution_type", "start_date", "end_date"] as const

/**
 * Numbers as a client might pad them: zeros in front of a value near the bounds, from 1 digit to
 * well past the 10 the contract allows, so that a fast path reading a longer number is caught.
 */
const padded = fc
  .tuple(fc.integer({ min: 0, max: 14 }), fc.oneof(fc.integer({ min: 0, max: 1001 }), fc.constantFrom(ListQuery.MAX_PAGE - 1, ListQuery.MAX_PAGE, ListQuery.MAX_PAGE + 1)))
  .map(([zeros, n]) => `${"0".repeat(zeros)}${n}`)

/** Values near every rule's edges, valid and not, and arbitrary strings. */
const value = fc.oneof(
  padded,
  fc.constantFrom(
    "1", "10", "0", "01", "0010", "1000", "1001", "999999999", "1000000000", "1000000001", "9999999999", "12345678901",
    "-1", "+1", "1.5", "1e3", " 1", "1 ", "", "0x10",
    "0000000001", "00000000001", "000000000001", "0001000", "00000001000", "01000000000",
    "All", "all", "ERRORED", "errored", "COMPLETED", "RUNNING", "TIMED_OUT", "PAUSED",
    "Event", "Schedule", "API Call", "API_CALL", "SCHEDULE", "EVENT", "api call",
    "SYNC", "ASYNC", "async",
    "2026-06-01", "2026-02-30", "2026-06-01T00:00:00Z"
  ),
  fc.string({ maxLength: 12 })
)
const raw = fc.dictionary(fc.constantFrom(...names), value, { maxKeys: 7 })

describe("Query.fast", () => {
  it("agrees with the contract's ListQuery wherever it answers", () => {
    fc.assert(
      fc.property(raw, (params) => {
        const quick = Query.fast(params)
        if (quick === undefined) return
        const decoded = ListQuery.decode(params)
        expect(Either.isRight(decoded)).toBe(true)
        if (Either.isRight(decoded)) expect(quick).toEqual(ListQuery.resolve(decoded.right))
      }),
      { numRuns: 5000 }
    )
  })

  it("answers the common queries, and leaves dates, aliases and invalid values to the contract", () => {
    expect(Query.fast({})).toEqual({ page: 1, limit: 10, status: "All", execution_source: "All", execution_type: "All" })
    expect(Query.fast({ status: "ERRORED", limit: "10", page: "0003", execution_source: "API Call", execution_type: "ASYNC" })).toEqual({
      page: 3,
      limit: 10,
      status: "ERRORED",
      execution_source: "API Call",
      execution_type: "ASYNC"
    })
    for (const params of [{ start_date: "2026-06-01" }, { execution_source: "API_CALL" }, { limit: "1001" }, { page: "0" }, { status: "errored" }, { page: "00000000001" }, { limit: "00000000010" }]) {
      expect(Query.fast(params)).toBeUndefined()
    }
  })

  it("leaves parse's answers and error messages as they were", () => {
    const refused = ListQuery.decode({ limit: "1001" })
    if (Either.isRight(refused)) throw new Error("limit=1001 should be refused")
    expect(Query.parse("http://h/api/v2/public/execution?limit=1001")).toEqual(Either.left(refused.left.message))
    expect(Query.parse("http://h/api/v2/public/execution?execution_source=API_CALL&start_date=2026-06-01")).toEqual(
      Either.right({ page: 1, limit: 10, status: "All", execution_source: "API Call", execution_type: "All", start_date: "2026-06-01" })
    )
  })
})
