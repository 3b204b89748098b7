import { describe, expect, it } from "vitest"
import * as Stats from "../src/Stats.js"

describe("Stats", () => {
  it("takes the median of odd and even samples, unsorted", () => {
    expect(Stats.median([5, 1, 3])).toBe(3)
    expect(Stats.median([4, 1, 3, 2])).toBe(2.5)
    expect(Stats.median([])).toBeNaN()
  })

  it("interpolates quantiles between ranks", () => {
    expect(Stats.quantile([0, 10], 0.9)).toBe(9)
    expect(Stats.quantile([1, 2, 3, 4, 5], 0)).toBe(1)
    expect(Stats.quantile([1, 2, 3, 4, 5], 1)).toBe(5)
  })

  it("compares medians, so one outlier round does not move a ratio", () => {
    expect(Stats.ratioOfMedians([100, 100, 1], [50, 50, 1000])).toBe(2)
  })

  it("formats numbers, ratios and sizes, and says n/a for what is not finite", () => {
    expect(Stats.format(12345.678)).toBe("12,346")
    expect(Stats.times(0.8349)).toBe("0.83×")
    expect(Stats.times(Number.NaN)).toBe("n/a")
    expect(Stats.mib(3 * 2 ** 20)).toBe("3.0 MiB")
  })
})
