/** Strings kept out of the heap: what goes in comes out, whatever its length or characters. */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as TextSlots from "../src/internal/TextSlots.js"

describe("TextSlots", () => {
  it("gives back the last string put in each slot, short, long or not ASCII", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(199), fc.string({ unit: "grapheme", maxLength: 40 })), { maxLength: 300 }), (writes) => {
        const slots = TextSlots.make(200, 16)
        const expected = new Map<number, string>()
        for (const [slot, text] of writes) {
          slots.set(slot, text)
          expected.set(slot, text)
        }
        for (let slot = 0; slot < 200; slot++) expect(slots.get(slot)).toBe(expected.get(slot) ?? "")
      }),
      { numRuns: 200 }
    )
  })

  it("empties every slot on clear", () => {
    const slots = TextSlots.make(3, 8)
    slots.set(0, "short")
    slots.set(1, "longer than eight bytes")
    slots.set(2, "é€")
    slots.clear()
    expect([0, 1, 2].map(slots.get)).toEqual(["", "", ""])
  })
})
