import { describe, expect, it } from "vitest"
import * as Queries from "../src/Queries.js"
import { alternate } from "../src/Suite.js"

describe("alternate", () => {
  it("runs every contender once per round, reversing the order every other round", async () => {
    const calls: Array<string> = []
    const out = await alternate(3, ["a", "b", "c"] as const, async (c, round) => {
      calls.push(`${c}${round}`)
      return round
    })
    expect(calls).toEqual(["a0", "b0", "c0", "c1", "b1", "a1", "a2", "b2", "c2"])
    expect(out).toEqual({ a: [0, 1, 2], b: [0, 1, 2], c: [0, 1, 2] })
  })
})

describe("Queries", () => {
  it("covers every filter combination once", () => {
    const all = Queries.combinations().map(Queries.path)
    expect(all).toHaveLength(7 * 4 * 3 * 4)
    expect(new Set(all).size).toBe(all.length)
    expect(all).toContain("/api/v2/public/execution")
    expect(all).toContain("/api/v2/public/execution?status=ERRORED&execution_source=API+Call&execution_type=ASYNC&start_date=2026-06-01&end_date=2026-09-30")
  })

  it("picks the middle page", () => {
    expect([0, 1, 2, 3, 10].map(Queries.middle)).toEqual([1, 1, 1, 2, 5])
  })
})
