/**
 * Figure 4: start-up of the `refold-mock` command line over 10^6 executions on disk (`--fixtures`),
 * against a process that only reads and `JSON.parse`s the same files; and memory per execution.
 */
import { fileURLToPath } from "node:url"
import * as LargeData from "../LargeData.js"
import * as Profile from "../Profile.js"
import type * as Report from "../Report.js"
import * as Servers from "../Servers.js"
import * as Stats from "../Stats.js"
import { alternate, type Context, scratchDir, using } from "../Suite.js"

/** Both processes get the same heap ceiling; Node's default (about 4 GiB here) is too small for 10^6 parsed executions. */
const heapFlag = "--max-old-space-size=8192"
const parseScript = fileURLToPath(new URL("../children/parse.js", import.meta.url))
const timeoutMs = 900_000

const startCli = (dir: string, execArgv: ReadonlyArray<string> = []) =>
  Servers.timedStart([Servers.cliPath, "--port", "0", "--fixtures", dir], /listening on (http:\/\/\S+)/, timeoutMs, [heapFlag, ...execArgv])

export const run = async (context: Context): Promise<ReadonlyArray<Report.Section>> => {
  const { settings, log } = context
  const size = settings.large
  const dir = await LargeData.ensure(context.cache, size, log)
  const bytes = LargeData.bytes(dir)
  const rss: Array<number> = []

  log(`startup: ${settings.startupRounds} rounds over ${Stats.format(size)} executions`)
  const times = await alternate(settings.startupRounds, ["parse", "cli"] as const, async (which) => {
    if (which === "parse") {
      const p = await Servers.timedStart([parseScript, dir], /^parsed (\d+)/, timeoutMs, [heapFlag])
      await p.stop()
      if (Number(p.match[1]) !== size) throw new Error(`the parse baseline read ${p.match[1]} executions, expected ${size}`)
      log(`  read + JSON.parse: ${Stats.format(p.readyMs)} ms`)
      return p.readyMs
    }
    const cli = await startCli(dir)
    try {
      const r = await fetch(`${cli.url}${Servers.listPath}?limit=1`, { headers: Servers.authHeaders })
      const body = (await r.json()) as { totalDocs?: number }
      if (r.status !== 200 || body.totalDocs === undefined) throw new Error(`the started mock answered ${r.status}`)
      const m = await Servers.rss(cli.process.pid!)
      if (m !== undefined) rss.push(m.rss)
    } finally {
      await cli.stop()
    }
    log(`  refold-mock --fixtures: ${Stats.format(cli.readyMs)} ms`)
    return cli.readyMs
  })

  log("startup: memory")
  const heap = await using(async (track) => {
    const mock = track(await Servers.mock({ kind: "dir", dir }))
    return { held: mock.ready.heapAfter - mock.ready.heapBefore, loadMs: mock.ready.loadMs }
  })
  const parsedHeap = await (async () => {
    const p = await Servers.timedStart([parseScript, dir], /^heap (\d+)/, timeoutMs, [heapFlag, "--expose-gc"])
    await p.stop()
    return Number(p.match[1])
  })()

  const ratio = Stats.ratioOfMedians(times.cli, times.parse)
  const perExecution = (b: number) => `${Stats.format(b / size)} B`
  const section: Report.Section = {
    id: "4",
    title: `Start-up over ${Stats.format(size)} executions`,
    method:
      `\`DataSet.generate({ size: ${size}, seed: 1, anchor: DataSet.bundledAnchor })\` written with \`DataSet.write\` (${Stats.format(bytes / 2 ** 20)} MiB of JSON in ` +
      "shards of 50,000). Each round starts, one after the other, (a) `node apps/mock-server/dist/main.js --port 0 --fixtures <dir>` and " +
      "times spawn → its `listening on` line (then checks one list request and reads its RSS), and (b) a process that only reads and " +
      "`JSON.parse`s the same files, timed spawn → done. Both include Node's own start; both run with `" + heapFlag + "`. " +
      "Memory per execution: heap held after a full GC by a mock child that loaded the directory (`DataSet.load` + `createMockApp`), " +
      "against the heap of the parsed JSON alone.",
    tool: `\`child_process.spawn\` and \`performance.now()\` in the harness, ${settings.startupRounds} rounds alternating; \`/proc/<pid>/status\` for RSS; \`--expose-gc\` for heap.`,
    tables: [
      {
        headers: ["process", "ms per round", "median ms"],
        rows: [
          ["read + JSON.parse only", times.parse.map((x) => Stats.format(x)).join(", "), Stats.format(Stats.median(times.parse))],
          ["refold-mock --fixtures (ready)", times.cli.map((x) => Stats.format(x)).join(", "), Stats.format(Stats.median(times.cli))]
        ]
      },
      {
        headers: ["memory", "total", "per execution"],
        rows: [
          ["mock heap after GC (data set + indexes)", Stats.mib(heap.held), perExecution(heap.held)],
          ["parsed JSON alone, heap after GC", Stats.mib(parsedHeap), perExecution(parsedHeap)],
          ["refold-mock RSS once ready (median)", Stats.mib(Stats.median(rss)), perExecution(Stats.median(rss))],
          ["JSON on disk", Stats.mib(bytes), perExecution(bytes)]
        ]
      }
    ],
    targets: [
      { name: "start-up: refold-mock ready / read + parse", goal: "≤ 2×", measured: Stats.times(ratio), met: ratio <= 2 },
      { name: "memory per execution (heap held by the mock, after GC)", goal: "report", measured: perExecution(heap.held), met: "reported" }
    ],
    notes: [`In the memory child, \`DataSet.load\` + \`createMockApp\` took ${Stats.format(heap.loadMs)} ms.`]
  }
  if (!(ratio <= 2) && settings.profile) {
    const profileDir = scratchDir(context, "profile-startup")
    const cli = await startCli(dir, ["--cpu-prof", `--cpu-prof-dir=${profileDir}`])
    await cli.stop()
    return [{ ...section, profiles: [Profile.markdown(`\`refold-mock --fixtures\` start-up over ${Stats.format(size)} executions`, Profile.newest(profileDir))] }]
  }
  return [section]
}
