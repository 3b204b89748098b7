/**
 * `pnpm bench`: runs every figure (or those of `--only`), side by side, and writes `BENCHMARKS.md`.
 * See `Settings.usage` for the flags.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as Machine from "./Machine.js"
import * as Report from "./Report.js"
import * as Servers from "./Servers.js"
import * as Settings from "./Settings.js"
import type { Suite } from "./Suite.js"
import * as Clock from "./suites/clock.js"
import * as Load from "./suites/load.js"
import * as Scale from "./suites/scale.js"
import * as Sdk from "./suites/sdk.js"
import * as Startup from "./suites/startup.js"
import * as Throughput from "./suites/throughput.js"
import * as Work from "./suites/work.js"

const root = fileURLToPath(new URL("../../", import.meta.url))

/** The suites, and the figures each one produces. */
const suites: ReadonlyArray<readonly [ReadonlyArray<number>, Suite]> = [
  [[1, 2], Throughput.run],
  [[3], Scale.run],
  [[4], Startup.run],
  [[5], Sdk.run],
  [[6], Load.run],
  [[7], Clock.run],
  [[8], Work.run]
]

const main = async () => {
  const settings = Settings.parse(process.argv.slice(2), path.join(root, "BENCHMARKS.md"), suites.flatMap(([figures]) => figures))
  const started = performance.now()
  const log = (message: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`)
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "refold-bench-"))
  const cache = path.join(os.tmpdir(), "refold-bench-cache")
  fs.mkdirSync(cache, { recursive: true })
  const machine = Machine.describe()
  const date = new Date().toISOString()
  log(`${settings.mode} mode; scratch ${scratch}`)

  const loadgen = await Servers.loadgen()
  const sections: Array<Report.Section> = []
  try {
    for (const [figures, suite] of suites) {
      if (!figures.some((f) => settings.only.has(f))) continue
      try {
        const produced = await suite({ settings, loadgen, scratch, cache, log })
        sections.push(...produced.filter((s) => settings.only.has(Number(s.id))))
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
        log(`figure ${figures.join(", ")} failed: ${message}`)
        for (const f of figures) {
          if (!settings.only.has(f)) continue
          sections.push({
            id: String(f),
            title: "failed to run",
            method: "",
            tool: "",
            tables: [],
            targets: [{ name: `figure ${f}`, goal: "run", measured: "the harness failed", met: false }],
            notes: ["```", message, "```"]
          })
        }
      }
    }
  } finally {
    await loadgen.stop()
    fs.rmSync(scratch, { recursive: true, force: true })
  }

  const analysisPath = path.join(root, "bench", "ANALYSIS.md")
  const analysis = fs.existsSync(analysisPath) ? fs.readFileSync(analysisPath, "utf8") : undefined
  const run = { date, mode: settings.mode, machine, durationSeconds: (performance.now() - started) / 1000 }
  fs.writeFileSync(settings.out, Report.render(run, sections, analysis))
  log(`wrote ${settings.out}`)
  for (const s of sections) for (const t of s.targets) log(`${s.id}. ${t.name}: ${t.measured} (goal ${t.goal}) ${Report.verdict(t.met)}`)
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
  process.exit(1)
})
