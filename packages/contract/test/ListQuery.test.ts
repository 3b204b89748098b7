import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { ListQuery } from "../src/index.js"

const ok = (input: Record<string, string>) => Either.getOrThrow(ListQuery.decode(input))
const message = (input: Record<string, string>) =>
  Either.match(ListQuery.decode(input), { onLeft: (e) => e.message, onRight: () => "decoded" })

describe("ListQuery", () => {
  it("decodes the seed page's query and fills in the documented defaults", () => {
    expect(ok({ page: "1", limit: "10", status: "All", execution_source: "All" })).toEqual({
      page: 1,
      limit: 10,
      status: "All",
      execution_source: "All"
    })
    expect(ListQuery.resolve(ok({}))).toEqual({ page: 1, limit: 10, status: "All", execution_source: "All", execution_type: "All", sortAsc: false })
    expect(ListQuery.resolve({ page: undefined, limit: 25, start_date: undefined })).toEqual({
      page: 1,
      limit: 25,
      status: "All",
      execution_source: "All",
      execution_type: "All",
      sortAsc: false
    })
  })

  it("decodes the filters only the OpenAPI document lists, and resolves them", () => {
    const q = ok({ slug: " slack,hubspot,,slack ", workflow_name: "Daily Sync", workflow_id: "6a106ba44480b80424a65289", execution_id: "65410cf6cdf931a12d7ab009", sortAsc: "true" })
    expect(q).toEqual({ slug: " slack,hubspot,,slack ", workflow_name: "Daily Sync", workflow_id: "6a106ba44480b80424a65289", execution_id: "65410cf6cdf931a12d7ab009", sortAsc: true })
    expect(ListQuery.resolve(q)).toMatchObject({ slug: ["slack", "hubspot"], workflow_name: "Daily Sync", workflow_id: "6a106ba44480b80424a65289", execution_id: "65410cf6cdf931a12d7ab009", sortAsc: true })
    expect(ok({ sortAsc: "false" }).sortAsc).toBe(false)
    expect(ListQuery.encode({ sortAsc: true, slug: "slack" })).toEqual({ sortAsc: "true", slug: "slack" })
    // An empty text filter is no filter, as the vendor's `if (workflow_id)` reads it.
    const empty = ListQuery.resolve(ok({ slug: ",, ,", workflow_name: "", workflow_id: "", execution_id: "" }))
    expect(Object.keys(empty).sort()).toEqual(["execution_source", "execution_type", "limit", "page", "sortAsc", "status"])
    expect(ListQuery.slugs("a, b,a")).toEqual(["a", "b"])
  })

  it("accepts both spellings of execution_source and normalises to the docs' spelling", () => {
    expect(ok({ execution_source: "API_CALL" }).execution_source).toBe("API Call")
    expect(ok({ execution_source: "API Call" }).execution_source).toBe("API Call")
    expect(ok({ execution_source: "SCHEDULE" }).execution_source).toBe("Schedule")
    expect(ok({ execution_source: "Schedule" }).execution_source).toBe("Schedule")
    expect(ok({ execution_source: "Event" }).execution_source).toBe("Event")
    expect(ListQuery.encode({ execution_source: "API Call" })).toEqual({ execution_source: "API Call" })
  })

  it("accepts YYYY-MM-DD and ISO date-times, and reads days as whole UTC days", () => {
    const q = ok({ start_date: "2024-02-29", end_date: "2024-03-01" })
    expect(ListQuery.dateRange(q)).toEqual({
      from: Date.parse("2024-02-29T00:00:00.000Z"),
      to: Date.parse("2024-03-01T23:59:59.999Z")
    })
    const t = ok({ start_date: "2024-02-29T10:00:00Z", end_date: "2024-02-29T12:30:00.250+02:00" })
    expect(ListQuery.dateRange(t)).toEqual({
      from: Date.parse("2024-02-29T10:00:00.000Z"),
      to: Date.parse("2024-02-29T10:30:00.250Z")
    })
    expect(ListQuery.dateRange(ok({ end_date: "2024-01-01" }))).toEqual({ to: Date.parse("2024-01-01T23:59:59.999Z") })
    expect(ok({ start_date: "2024-01-05", end_date: "2024-01-05" })).toBeDefined()
  })

  it.each([
    [{ page: "0" }, 'Invalid query parameter "page": expected a positive integer no greater than 1000000000, got "0"'],
    [{ page: "-1" }, '"page"'],
    [{ page: "1.5" }, '"page"'],
    [{ page: "1e3" }, '"page"'],
    [{ page: " 1" }, '"page"'],
    [{ page: "99999999999" }, '"page"'],
    [{ page: "" }, '"page"'],
    [{ limit: "1001" }, 'Invalid query parameter "limit": expected a positive integer no greater than 1000, got "1001"'],
    [{ limit: "ten" }, '"limit"'],
    [{ status: "FAILED" }, 'Invalid query parameter "status": expected one of All, COMPLETED, RUNNING, ERRORED, STOPPED, STOPPING, TIMED_OUT, got "FAILED"'],
    [{ status: "completed" }, '"status"'],
    [{ execution_source: "Webhook" }, 'Invalid query parameter "execution_source"'],
    [{ execution_type: "BATCH" }, 'Invalid query parameter "execution_type"'],
    [{ start_date: "2024-02-30" }, 'Invalid query parameter "start_date": expected a date as YYYY-MM-DD or an ISO 8601 date-time, got "2024-02-30"'],
    [{ end_date: "2023-02-29" }, '"end_date"'],
    [{ end_date: "2024-13-01" }, '"end_date"'],
    [{ start_date: "2024-1-1" }, '"start_date"'],
    [{ start_date: "yesterday" }, '"start_date"'],
    [{ start_date: "2024-01-01T25:00:00Z" }, '"start_date"'],
    [{ start_date: "2024-03-01", end_date: "2024-02-01" }, "start_date (2024-03-01) is after end_date (2024-02-01)"]
  ])("rejects %j with a message naming the parameter", (input, expected) => {
    expect(message(input)).toContain(expected)
    const parameter = Either.getLeft(ListQuery.decode(input)).pipe((o) => (o._tag === "Some" ? o.value.parameter : null))
    expect(parameter).toBe(Object.keys(input).length === 1 ? Object.keys(input)[0] : undefined)
  })

  it.each([
    [{ sortAsc: "yes" }, 'Invalid query parameter "sortAsc": expected true or false, got "yes"'],
    [{ sortAsc: "TRUE" }, '"sortAsc"'],
    [{ slug: "x".repeat(1025) }, 'Invalid query parameter "slug": expected at most 1024 characters'],
    [{ workflow_name: "x".repeat(257) }, '"workflow_name"'],
    [{ workflow_id: "x".repeat(65) }, '"workflow_id"'],
    [{ execution_id: "x".repeat(65) }, '"execution_id"']
  ])("refuses %j naming the parameter", (input, expected) => {
    expect(message(input as Record<string, string>)).toContain(expected)
    expect(Either.getLeft(ListQuery.decode(input)).pipe((l) => l._tag === "Some" && l.value.parameter)).toBe(Object.keys(input)[0])
  })

  it("shortens huge values in messages", () => {
    const text = message({ status: "X".repeat(100_000) })
    expect(text).toContain('"status"')
    expect(text.length).toBeLessThan(200)
  })

  it("ignores unknown parameters", () => {
    expect(ok({ sortasc: "true", __code: "429" })).toEqual({})
  })

  it("round-trips every valid query through its wire form", () => {
    const query = fc.record(
      {
        page: fc.integer({ min: 1, max: ListQuery.MAX_PAGE }),
        limit: fc.integer({ min: 1, max: ListQuery.MAX_LIMIT }),
        status: fc.constantFrom("All", "COMPLETED", "RUNNING", "ERRORED", "STOPPED", "STOPPING", "TIMED_OUT"),
        execution_source: fc.constantFrom("All", "Event", "Schedule", "API Call"),
        execution_type: fc.constantFrom("All", "SYNC", "ASYNC"),
        start_date: fc.date({ min: new Date("2000-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
        slug: fc.string({ maxLength: 40 }),
        workflow_name: fc.string({ maxLength: 40 }),
        workflow_id: fc.string({ maxLength: 24 }),
        execution_id: fc.string({ maxLength: 24 }),
        sortAsc: fc.boolean()
      },
      { requiredKeys: [] }
    )
    fc.assert(
      fc.property(query, (q) => {
        const wire = ListQuery.encode(q as ListQuery.ListQuery)
        for (const v of Object.values(wire)) expect(typeof v).toBe("string")
        expect(ok(wire as Record<string, string>)).toEqual(q)
      })
    )
  })

  it("never throws on arbitrary input: it decodes or explains", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom("page", "limit", "status", "execution_source", "execution_type", "start_date", "end_date", "slug", "workflow_name", "workflow_id", "execution_id", "sortAsc"), fc.string()), (input) => {
        const result = ListQuery.decode(input)
        if (Either.isLeft(result)) {
          expect(result.left.message).toMatch(/^Invalid query parameters?\b/)
          if (result.left.parameter !== undefined) expect(result.left.message).toContain(`"${result.left.parameter}"`)
        }
      })
    )
  })
})
