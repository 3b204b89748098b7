/** The lifecycle's timestamp formatter is `toISOString`, whatever the instant and the order of calls. */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Iso from "../src/internal/Iso.js"

describe("Iso.formatter", () => {
  it("formats every instant as toISOString does", () => {
    const format = Iso.formatter()
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -1e13, max: 3e14 }), fc.integer({ min: 1.7e12, max: 1.9e12 }), fc.double({ min: 0, max: 2e12, noNaN: true })), { minLength: 1, maxLength: 20 }), (times) => {
        for (const t of times) expect(format(t)).toBe(new Date(t).toISOString())
      })
    )
    expect(format(Date.UTC(2026, 11, 31, 23, 59, 59, 999))).toBe("2026-12-31T23:59:59.999Z")
    expect(format(Date.UTC(2027, 0, 1))).toBe("2027-01-01T00:00:00.000Z")
  })
})
