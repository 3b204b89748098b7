/**
 * The harness's settings, from the command line: `--quick` for a smoke run, or the full run with
 * `--rounds`, `--seconds` and friends to override single values.
 */
import { parseArgs } from "node:util"

/** Every knob of a run. */
export interface Settings {
  readonly mode: "full" | "quick"
  /** Rounds of every side-by-side comparison. */
  readonly rounds: number
  /** Length of one autocannon or closed-loop run, in seconds. */
  readonly seconds: number
  /** Warm-up of every contender before the measured rounds, in seconds. */
  readonly warmup: number
  /** Connections of the throughput runs. */
  readonly connections: number
  /** Executions of the large data set (scale and start-up figures). */
  readonly large: number
  /** Rounds of the start-up figure (each loads the large data set twice). */
  readonly startupRounds: number
  /** Length and connections of the load figure. */
  readonly loadSeconds: number
  readonly loadConnections: number
  /** Executions streamed in the heap figure. */
  readonly streamSize: number
  /** Pages walked in the read-ahead figure, and the mock's delay per page. */
  readonly walkPages: number
  readonly delayMs: number
  /** Which figures to run (of those the harness has); all by default. */
  readonly only: ReadonlySet<number>
  /** Profile the contender of every missed target (`node --cpu-prof`). */
  readonly profile: boolean
  /** Where to write the report. */
  readonly out: string
}

const full = {
  rounds: 5,
  seconds: 5,
  warmup: 5,
  connections: 50,
  large: 1_000_000,
  startupRounds: 3,
  loadSeconds: 60,
  loadConnections: 1000,
  streamSize: 100_000,
  walkPages: 50,
  delayMs: 20
}

const quick: typeof full = {
  rounds: 2,
  seconds: 2,
  warmup: 2,
  connections: 50,
  large: 100_000,
  startupRounds: 1,
  loadSeconds: 10,
  loadConnections: 1000,
  streamSize: 100_000,
  walkPages: 20,
  delayMs: 20
}

/** The usage text. */
export const usage = `pnpm bench [-- options]
  --quick               smoke run: 2 rounds of 2 s, 10^5 executions for scale and start-up, 10 s of load
  --rounds n            rounds of every comparison (full: 5)
  --seconds s           seconds per run (full: 5)
  --connections n       connections of the throughput runs (50)
  --large n             executions of the large data set (full: 1000000)
  --startup-rounds n    rounds of the start-up figure (full: 3)
  --load-seconds s      length of the 1,000-connection run (full: 60)
  --only 1,2,...        run only these figures
  --no-profile          do not profile missed targets
  --out file            where to write the report (default: BENCHMARKS.md at the repository root)`

const positive = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} expects a positive number, got ${JSON.stringify(value)}\n${usage}`)
  return n
}

/** Reads the command line; throws with the usage on a bad flag. */
export const parse = (argv: ReadonlyArray<string>, defaultOut: string, figures: ReadonlyArray<number>): Settings => {
  const { values } = parseArgs({
    args: argv[0] === "--" ? argv.slice(1) : [...argv],
    options: {
      quick: { type: "boolean" },
      rounds: { type: "string" },
      seconds: { type: "string" },
      connections: { type: "string" },
      large: { type: "string" },
      "startup-rounds": { type: "string" },
      "load-seconds": { type: "string" },
      only: { type: "string" },
      "no-profile": { type: "boolean" },
      out: { type: "string" },
      help: { type: "boolean" }
    },
    strict: true
  })
  if (values.help) {
    console.log(usage)
    process.exit(0)
  }
  const base = values.quick ? quick : full
  const only = values.only === undefined
    ? new Set(figures)
    : new Set(values.only.split(",").map((s) => positive("only", s.trim(), 0)))
  for (const n of only) if (!figures.includes(n)) throw new Error(`--only takes figure numbers from ${Math.min(...figures)} to ${Math.max(...figures)}, got ${n}`)
  return {
    ...base,
    mode: values.quick ? "quick" : "full",
    rounds: Math.round(positive("rounds", values.rounds, base.rounds)),
    seconds: positive("seconds", values.seconds, base.seconds),
    connections: Math.round(positive("connections", values.connections, base.connections)),
    large: Math.round(positive("large", values.large, base.large)),
    startupRounds: Math.round(positive("startup-rounds", values["startup-rounds"], base.startupRounds)),
    loadSeconds: positive("load-seconds", values["load-seconds"], base.loadSeconds),
    only,
    profile: !values["no-profile"],
    out: values.out ?? defaultOut
  }
}
