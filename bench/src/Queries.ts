/**
 * The list requests of the scale figure: every combination of the filters (status, source, type,
 * each absent or one of its values, and the date window absent, open on either side or closed).
 */
import { Execution } from "@refold-effect/contract"

/** Inside the creation window of `DataSet.bundledAnchor` (2026-04-01 to 2026-10-31), the day the bench's data sets are anchored on. */
const START = "2026-06-01"
const END = "2026-09-30"

const dates: ReadonlyArray<Record<string, string>> = [{}, { start_date: START }, { end_date: END }, { start_date: START, end_date: END }]

/** Every filter combination, as query parameters (without `page`): 7 × 4 × 3 × 4 = 336. */
export const combinations = (): ReadonlyArray<Record<string, string>> => {
  const out: Array<Record<string, string>> = []
  for (const status of [undefined, ...Execution.statuses]) {
    for (const source of [undefined, ...Execution.sources]) {
      for (const type of [undefined, ...Execution.types]) {
        for (const date of dates) {
          out.push({
            ...(status === undefined ? {} : { status }),
            ...(source === undefined ? {} : { execution_source: source }),
            ...(type === undefined ? {} : { execution_type: type }),
            ...date
          })
        }
      }
    }
  }
  return out
}

/** The list path with these parameters. */
export const path = (params: Record<string, string>): string => {
  const search = new URLSearchParams(params).toString()
  return `/api/v2/public/execution${search === "" ? "" : `?${search}`}`
}

/** The page in the middle of `totalPages` (page 1 when there is at most one). */
export const middle = (totalPages: number): number => Math.max(1, Math.ceil(totalPages / 2))
