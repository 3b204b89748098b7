/** Header lists shared between consecutive equal ones, kept exactly while referred to. */
import { describe, expect, it } from "vitest"
import * as HeaderSets from "../src/internal/HeaderSets.js"

describe("HeaderSets", () => {
  it("shares a list equal to the previous one, and keeps each list as it was taken", () => {
    const sets = HeaderSets.make()
    const a = sets.take(["Host", "x", "X-Api-Key", "k"])
    expect(sets.take(["Host", "x", "X-Api-Key", "k"])).toBe(a)
    const b = sets.take(["Host", "x", "X-Api-Key", "other"])
    expect(b).not.toBe(a)
    const c = sets.take(["Host", "x", "X-Api-Key", "k"])
    expect(c).not.toBe(b)
    expect([a, b, c].map(sets.get)).toEqual([["Host", "x", "X-Api-Key", "k"], ["Host", "x", "X-Api-Key", "other"], ["Host", "x", "X-Api-Key", "k"]])
  })

  it("lets a list go with its last reference, and does not share a number given back", () => {
    const sets = HeaderSets.make()
    const a = sets.take(["A", "1"])
    sets.take(["A", "1"])
    sets.release(a)
    expect(sets.get(a)).toEqual(["A", "1"])
    sets.release(a)
    const b = sets.take(["A", "1"])
    expect(sets.get(b)).toEqual(["A", "1"])
    expect(sets.take(["B", "2"])).not.toBe(b)
  })

  it("copies the caller's array", () => {
    const sets = HeaderSets.make()
    const raw = ["A", "1"]
    const a = sets.take(raw)
    raw[1] = "changed"
    expect(sets.get(a)).toEqual(["A", "1"])
  })
})
