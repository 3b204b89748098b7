/** Request ids: random version-4 UUIDs, lower-case, all different, also across draws of randomness. */
import { describe, expect, it } from "vitest"
import * as Uuid from "../src/internal/Uuid.js"

describe("Uuid.v4", () => {
  it("makes version-4 UUIDs of the RFC 9562 variant, each different", () => {
    const ids = Array.from({ length: 2000 }, Uuid.v4)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it("uses every hex digit in every random position", () => {
    const ids = Array.from({ length: 2000 }, Uuid.v4)
    for (const position of [0, 7, 9, 15, 20, 35]) expect(new Set(ids.map((id) => id[position])).size).toBe(16)
  })
})
