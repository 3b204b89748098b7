/**
 * The statistics the report uses: medians (robust to the outliers of a shared, noisy machine),
 * quantiles, and the ratio of two medians, which is what every target compares.
 */

/** The `q` quantile (0..1) of `values`, interpolating between ranks; `NaN` for no values. */
export const quantile = (values: ReadonlyArray<number>, q: number): number => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const at = (sorted.length - 1) * Math.min(1, Math.max(0, q))
  const lo = Math.floor(at)
  const hi = Math.ceil(at)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo)
}

/** The median of `values`; `NaN` for no values. */
export const median = (values: ReadonlyArray<number>): number => quantile(values, 0.5)

/** `median(a) / median(b)`. */
export const ratioOfMedians = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): number => median(a) / median(b)

/** A number for a table: thousands separated, `digits` decimals; `n/a` when not finite. */
export const format = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "n/a"

/** A ratio such as `0.83×`. */
export const times = (value: number, digits = 2): string => (Number.isFinite(value) ? `${format(value, digits)}×` : "n/a")

/** Bytes as MiB with one decimal. */
export const mib = (bytes: number, digits = 1): string => `${format(bytes / 2 ** 20, digits)} MiB`
