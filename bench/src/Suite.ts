/** What every figure's suite gets, and the helpers they share. */
import * as fs from "node:fs"
import * as path from "node:path"
import type * as Child from "./Child.js"
import type * as Report from "./Report.js"
import type { Settings } from "./Settings.js"

/** The run's shared state. */
export interface Context {
  readonly settings: Settings
  /** The load generator child, started once. */
  readonly loadgen: Child.Child<object>
  /** A scratch directory for this run (profiles). */
  readonly scratch: string
  /** A directory kept between runs (generated data sets). */
  readonly cache: string
  readonly log: (message: string) => void
}

/** A figure: runs its measurements and returns its report sections. */
export type Suite = (context: Context) => Promise<ReadonlyArray<Report.Section>>

/**
 * Runs `measure` for every contender in every round, alternating them within a round and
 * reversing the order every other round, so that drift and noise hit every contender alike.
 * `settleMs` pauses between runs, so that one contender's leftover work (a backlog, a GC, a
 * log flush) does not land in the next one's run.
 */
export const alternate = async <K extends string>(
  rounds: number,
  contenders: ReadonlyArray<K>,
  measure: (contender: K, round: number) => Promise<number>,
  settleMs = 0
): Promise<Record<K, Array<number>>> => {
  const out = Object.fromEntries(contenders.map((c) => [c, [] as Array<number>])) as Record<K, Array<number>>
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse()
    for (const c of order) {
      if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs))
      out[c].push(await measure(c, round))
    }
  }
  return out
}

/** A fresh directory under the run's scratch directory. */
export const scratchDir = (context: Context, name: string): string => {
  const dir = path.join(context.scratch, name)
  fs.mkdirSync(dir, { recursive: true })
  return dir
}

/** Runs `use`, then stops every child it started, even when it throws. */
export const using = async <A>(use: (track: <C extends { stop: () => Promise<void> }>(c: C) => C) => Promise<A>): Promise<A> => {
  const started: Array<{ stop: () => Promise<void> }> = []
  try {
    return await use((c) => {
      started.push(c)
      return c
    })
  } finally {
    for (const c of started.reverse()) await c.stop().catch(() => undefined)
  }
}
