/**
 * ISO 8601 timestamps for the lifecycle's events, several times faster than
 * `new Date(time).toISOString()`: events fall due by the thousand on one day, so the date part is
 * kept for the day and the time of day computed.
 */

const DAY_MS = 86_400_000
/** Year 10000: beyond it (and before 1970) `toISOString` is used as it is. */
const LIMIT = 253_402_300_800_000

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`)
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`)

/** A formatter with its own one-day cache: `(time) => new Date(time).toISOString()`. */
export const formatter = (): ((time: number) => string) => {
  let cachedDay = Number.NaN
  let prefix = ""
  return (time) => {
    if (!(time >= 0 && time < LIMIT) || !Number.isInteger(time)) return new Date(time).toISOString()
    const day = Math.floor(time / DAY_MS)
    if (day !== cachedDay) {
      cachedDay = day
      prefix = new Date(day * DAY_MS).toISOString().slice(0, 11)
    }
    const ms = time - day * DAY_MS
    return `${prefix}${pad2(Math.floor(ms / 3_600_000))}:${pad2(Math.floor(ms / 60_000) % 60)}:${pad2(Math.floor(ms / 1000) % 60)}.${pad3(ms % 1000)}Z`
  }
}
