/**
 * Figure 8: the work per response, counted. Figures 1 and 7 read request rates and CPU time, which
 * this shared machine moves by 20 to 100 % between rounds; the instructions a server executes to
 * answer a request do not move with it. Each server runs under Valgrind's callgrind (instruction
 * counts, no cache simulation), warmed up, then counted over a fixed number of requests: the
 * instructions of its main thread (the event loop, where every request is answered) per response,
 * for the bare app and the mock as figure 1 runs them, and as figure 7 runs them (stopped and
 * living). Kernel time is not counted: both send the same bytes with the same system calls.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import type * as Child from "../Child.js"
import type * as Report from "../Report.js"
import * as Servers from "../Servers.js"
import * as Stats from "../Stats.js"
import { type Context, scratchDir, using } from "../Suite.js"
import * as throughput from "./throughput.js"

/** Running executions of figure 7's data set. */
const RUNNING = 1_000
/** Requests of the warm-up of each path, and counted per path. */
const WARM = 4_000
const COUNTED = 2_000

/** Whether Valgrind and `callgrind_control` are installed (Debian's `valgrind`). */
const available = (): boolean =>
  spawnSync("valgrind", ["--version"], { stdio: "ignore" }).status === 0 && spawnSync("callgrind_control", ["--version"], { stdio: "ignore" }).status === 0

/** Valgrind's command line for a server whose dumps go to `dir`. */
const callgrind = (dir: string): ReadonlyArray<string> => [
  "valgrind",
  "--tool=callgrind",
  // Counted only between `-i on` and `-i off`, thread by thread (the main thread answers requests).
  "--instr-atstart=no",
  "--separate-threads=yes",
  // V8 writes machine code at run time: Valgrind must see the code it rewrites.
  "--smc-check=all-non-file",
  `--callgrind-out-file=${path.join(dir, "cg.%p")}`
]

const control = (pid: number, ...args: ReadonlyArray<string>) => {
  const r = spawnSync("callgrind_control", [...args, String(pid)], { encoding: "utf8" })
  if (r.status !== 0) throw new Error(`callgrind_control ${args.join(" ")} ${pid}: ${r.stderr || r.stdout}`)
}

/** Instructions in the newest dump of `pid` in `dir` (callgrind names them `cg.<pid>.<dump>-<thread>`): its main thread's and all threads'. */
export const lastDump = (dir: string, pid: number): { readonly main: number; readonly all: number } => {
  const files = fs.readdirSync(dir).flatMap((name) => {
    const m = new RegExp(`^cg\\.${pid}\\.(\\d+)-(\\d+)$`).exec(name)
    return m === null ? [] : [{ name, dump: Number(m[1]), thread: Number(m[2]) }]
  })
  const dump = Math.max(...files.map((f) => f.dump))
  const totals = (name: string) => Number(/^totals: (\d+)/m.exec(fs.readFileSync(path.join(dir, name), "utf8"))?.[1] ?? Number.NaN)
  const last = files.filter((f) => f.dump === dump)
  return { main: totals(last.find((f) => f.thread === 1)!.name), all: last.reduce((sum, f) => sum + totals(f.name), 0) }
}

/** What one server was counted at, per path: instructions per response, and the request rate it ran at. */
interface Counted {
  readonly main: number
  readonly all: number
  readonly rps: number
}

/** The requests of figure 1 or 7: a list and the get of its first execution. */
interface Paths {
  readonly list: string
  readonly get: string
}

const endpoints = ["list", "get"] as const

/**
 * Warms `server` up on both paths, then counts each: zeroes the counters, counts `COUNTED`
 * requests, dumps.
 */
const countPaths = async (context: Context, server: Child.Child<{ url: string }>, dir: string, paths: Paths): Promise<Record<"list" | "get", Counted>> => {
  const pid = server.process.pid!
  const load = (p: string, amount: number) =>
    throughput.load(context.loadgen, { url: server.ready.url, paths: [p], headers: Servers.authHeaders, connections: context.settings.connections, seconds: 1_200, amount })
  for (const e of endpoints) await load(paths[e], WARM)
  const out = {} as Record<"list" | "get", Counted>
  for (const e of endpoints) {
    control(pid, "-z")
    control(pid, "-i", "on")
    const r = await load(paths[e], COUNTED)
    control(pid, "-i", "off")
    control(pid, "-d")
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${server.ready.url}${paths[e]}: ${r.non2xx} non-2xx and ${r.errors} errors under callgrind`)
    const { all, main } = lastDump(dir, pid)
    out[e] = { main: main / r.total, all: all / r.total, rps: r.rps }
  }
  return out
}

/** A list and the get of its first execution, and their bodies as `url` answers them. */
const pairOf = async (context: Context, url: string, listPath: string) => {
  const fetchBody = async (p: string) => {
    const r = await context.loadgen.call<{ status: number; body: string }>("get", { url: url + p, headers: Servers.authHeaders }, 120_000)
    if (r.status !== 200) throw new Error(`${p} answered ${r.status}`)
    return r.body
  }
  const list = await fetchBody(listPath)
  const first = (JSON.parse(list) as { docs: ReadonlyArray<{ _id: string }> }).docs[0]
  if (first === undefined) throw new Error(`${listPath} is empty`)
  const get = Servers.getPath(first._id)
  return { paths: { list: listPath, get }, bodies: { list, get: await fetchBody(get) } }
}

/** The request rate of the stopped mock of figure 7 natively, to slow the living one's clock under callgrind alike. */
const nativeRate = (context: Context, p: string) =>
  using(async (track) => {
    const stopped = track(await Servers.mock({ kind: "living", running: RUNNING, clockSpeed: 0 }))
    const args = { url: stopped.ready.url, paths: [p], headers: Servers.authHeaders, connections: context.settings.connections, seconds: 2 }
    await throughput.load(context.loadgen, args)
    return (await throughput.load(context.loadgen, { ...args, seconds: 3 })).rps
  })

export const run = async (context: Context): Promise<ReadonlyArray<Report.Section>> => {
  const { log } = context
  if (!available()) {
    return [{
      id: "8",
      title: "Work per response, counted (skipped)",
      method: "Needs Valgrind's callgrind (`apt-get install valgrind`), which this machine does not have.",
      tool: "",
      tables: [],
      targets: [],
      notes: []
    }]
  }
  const dir = scratchDir(context, "callgrind")
  const under = callgrind(dir)
  const one = async (start: () => Promise<Child.Child<{ url: string }>>, paths: Paths) =>
    using(async (track) => countPaths(context, track(await start()), dir, paths))

  log("work: figure 1's servers under callgrind")
  const figure1 = await using(async (track) => {
    const mock = track(await Servers.mock({ kind: "bundled" }, [], under))
    const { bodies, paths } = await pairOf(context, mock.ready.url, throughput.listPath)
    const counted = await countPaths(context, mock, dir, paths)
    return { mock: counted, bare: await one(() => Servers.bare(bodies, under), paths) }
  })

  log("work: figure 7's servers under callgrind")
  const stoppedData = { kind: "living", running: RUNNING, clockSpeed: 0 } as const
  const figure7 = await using(async (track) => {
    const stopped = track(await Servers.mock(stoppedData, [], under))
    // The stopped mock's executions never end: its pages are those the living one starts from.
    const { bodies, paths } = await pairOf(context, stopped.ready.url, throughput.listPath)
    const counted = await countPaths(context, stopped, dir, paths)
    await stopped.stop()
    // As many runs end per response as at full speed: the clock slowed as much as callgrind slows the server.
    const slowdown = (await nativeRate(context, paths.get)) / counted.get.rps
    const living = await one(() => Servers.mock({ kind: "living", running: RUNNING, clockSpeed: 1 / slowdown }, [], under), paths)
    return { stopped: counted, living, bare: await one(() => Servers.bare(bodies, under), paths), slowdown }
  })

  const n = (x: number) => Stats.format(Math.round(x))
  const rows = endpoints.flatMap((e) => [
    [`figure 1's ${e}: bare Hono`, n(figure1.bare[e].main), n(figure1.bare[e].all), Stats.format(figure1.bare[e].rps)],
    [`figure 1's ${e}: mock`, n(figure1.mock[e].main), n(figure1.mock[e].all), Stats.format(figure1.mock[e].rps)],
    [`figure 1's ${e}: bare / mock`, Stats.times(figure1.bare[e].main / figure1.mock[e].main), Stats.times(figure1.bare[e].all / figure1.mock[e].all), ""],
    [`figure 7's ${e}: bare Hono`, n(figure7.bare[e].main), n(figure7.bare[e].all), Stats.format(figure7.bare[e].rps)],
    [`figure 7's ${e}: stopped mock`, n(figure7.stopped[e].main), n(figure7.stopped[e].all), Stats.format(figure7.stopped[e].rps)],
    [`figure 7's ${e}: living mock`, n(figure7.living[e].main), n(figure7.living[e].all), Stats.format(figure7.living[e].rps)],
    [`figure 7's ${e}: bare / living (and bare / stopped)`, `${Stats.times(figure7.bare[e].main / figure7.living[e].main)} (${Stats.times(figure7.bare[e].main / figure7.stopped[e].main)})`, `${Stats.times(figure7.bare[e].all / figure7.living[e].all)} (${Stats.times(figure7.bare[e].all / figure7.stopped[e].all)})`, ""]
  ])
  return [
    {
      id: "8",
      title: "Work per response, counted: instructions under callgrind",
      method:
        "Each server of figures 1 and 7 in its own process under Valgrind's callgrind (instruction counts only, counting switched on from outside with " +
        "`callgrind_control`): " +
        `${WARM.toLocaleString("en-US")} requests of each path to warm it up, then ${COUNTED.toLocaleString("en-US")} counted per path, from the same load generator ` +
        `(${context.settings.connections} connections). Reported: the instructions of the main thread (the event loop, which answers every request) per response, ` +
        "and those of every thread (adding V8's compiler and garbage-collector threads). " +
        "The same bodies and paths as figures 1 and 7 (the list, and the get of its first execution). Callgrind slows a server about " +
        `${Math.round(figure7.slowdown)}× (measured: the stopped mock's native rate over its counted one), so the living mock's clock runs that much slower, ` +
        "so that as many runs end per response as at full speed. Counts repeat within about 1 % from one start of a server to the next; " +
        "kernel time (the same system calls and bytes for every server) is not counted.",
      tool: `valgrind ${spawnSync("valgrind", ["--version"], { encoding: "utf8" }).stdout.trim()} (callgrind); autocannon with a fixed number of requests.`,
      tables: [{ headers: ["server and request", "main-thread instructions per response", "all threads", "req/s under callgrind"], rows }],
      targets: [],
      notes: [
        "No target of its own: a cross-check of figures 1 and 7, whose targets are request rates. Where a ratio here and one there disagree, " +
          "the difference is how the machine ran the instructions (cache misses, another process's load, the kernel), not the work the code asks for."
      ]
    }
  ]
}
