/**
 * Figure 8: the work per response, counted. Figures 1 and 7 read request rates and CPU time, which
 * this shared machine moves by 20 to 100 % between rounds; the instructions a server executes to
 * answer a request do not move with it. Each server runs under Valgrind's callgrind (instruction
 * counts, no cache simulation), warmed up, then counted over a fixed number of requests: the
 * instructions of its main thread (the event loop, where every request is answered) per response,
 * for the bare app and the mock as figure 1 runs them, and as figure 7 runs them (its clock stopped,
 * and what its running executions cost per second). Kernel time is not counted: both send the same
 * bytes with the same system calls. Then figure 5's client, counted alike: the SDK's `get` against
 * the same `HttpClient`'s bare call.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import type * as Child from "../Child.js"
import type * as Report from "../Report.js"
import * as Servers from "../Servers.js"
import type { ThroughputArgs, ThroughputResult } from "../children/sdk.js"
import * as Stats from "../Stats.js"
import { type Context, scratchDir, using } from "../Suite.js"
import { READ_RUNNING as RUNNING, readTargets } from "./clock.js"
import { CONCURRENCY } from "./sdk.js"
import * as throughput from "./throughput.js"

/** Requests of the warm-up of each path, and counted per path. */
const WARM = 4_000
const COUNTED = 2_000

/** SDK calls of each kind to warm the client up, and counted per round, in rounds. */
const SDK_WARM = 1_500
const SDK_COUNTED = 1_000
const SDK_ROUNDS = 3

/**
 * The share of a counted window's calls that may fail (a reset connection, see below) before the
 * window is refused: 1 % refused a window of 10 failures in 1,009 (6 December). A failed call
 * costs a fraction of one that succeeds, so 3 % moves the count per call by well under 1 %.
 */
const MAX_FAILED_SHARE = 0.03

/** Whether Valgrind and `callgrind_control` are installed (Debian's `valgrind`). */
const available = (): boolean =>
  spawnSync("valgrind", ["--version"], { stdio: "ignore" }).status === 0 && spawnSync("callgrind_control", ["--version"], { stdio: "ignore" }).status === 0

/** Valgrind's command line for a server whose dumps go to `dir`. */
const callgrind = (dir: string): ReadonlyArray<string> => [
  "valgrind",
  // No banner (it quotes the child's whole command line, a data set's bodies included).
  "--quiet",
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
  if (files.length === 0) throw new Error(`no callgrind dump of process ${pid} in ${dir}`)
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

/** Seconds the living mock runs under callgrind before it is counted, and counted. */
const LIFE_WARM_S = 8
const LIFE_COUNTED_S = 10

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * What running executions cost the living mock of figure 7 (on a real-time clock, each run started
 * again as it ends), counted with no request at all: its main thread's instructions per run that
 * ends (with its start again) and per second. That work is per second, not per request: a mock
 * answering R requests a second pays it over R responses.
 */
const lifecycleWork = (dir: string, under: ReadonlyArray<string>) =>
  using(async (track) => {
    const living = track(await Servers.mock({ kind: "living", running: RUNNING, clockSpeed: 1 }, [], under))
    const pid = living.process.pid!
    const restarts = async () => (await living.call<{ readonly restarts: number }>("clock")).restarts
    await sleep(LIFE_WARM_S * 1000)
    const before = await restarts()
    control(pid, "-z")
    control(pid, "-i", "on")
    const t0 = performance.now()
    await sleep(LIFE_COUNTED_S * 1000)
    control(pid, "-i", "off")
    const seconds = (performance.now() - t0) / 1000
    const ends = (await restarts()) - before
    control(pid, "-d")
    const { main } = lastDump(dir, pid)
    return { perEnd: main / ends, endsPerSecond: ends / seconds, perSecond: main / seconds }
  })

/**
 * Figure 5's `get`, counted: the client process under callgrind (the mock in its own, uncounted),
 * the SDK's `get` and the bare call of the same `HttpClient` alternating, instructions per call.
 */
const sdkCalls = (context: Context, dir: string, under: ReadonlyArray<string>) =>
  using(async (track) => {
    const mock = track(await Servers.mock({ kind: "bundled" }))
    const list = await fetch(`${mock.ready.url}${Servers.listPath}?status=ERRORED&limit=1`, { headers: Servers.authHeaders })
    const id = ((await list.json()) as { docs: Array<{ _id: string }> }).docs[0]!._id
    const client = track(await Servers.client([], under))
    const pid = client.process.pid!
    const call = (mode: "sdk" | "bare", amount: number) => {
      const args: ThroughputArgs = {
        url: mock.ready.url,
        apiKey: Servers.authHeaders["x-api-key"]!,
        account: Servers.account,
        mode,
        id,
        concurrency: CONCURRENCY,
        seconds: 3_600,
        amount
      }
      return client.call<ThroughputResult>("throughput", args, 3_700_000)
    }
    const modes = ["sdk", "bare"] as const
    for (const mode of modes) await call(mode, SDK_WARM)
    const counted: Record<"sdk" | "bare", Array<{ readonly main: number; readonly all: number }>> = { sdk: [], bare: [] }
    let failures = 0
    for (let round = 0; round < SDK_ROUNDS; round++) {
      for (const mode of round % 2 === 0 ? modes : [...modes].reverse()) {
        // A window starts from a clean heap: a full collection landing in one window and not the
        // next moved a window's count by 10 % (the client allocates about 150 KB per call).
        await client.call("collect")
        // Uncounted: the collection takes seconds under callgrind, past the server's keep-alive
        // timeout; connections it closed meanwhile are replaced here, not in the counted window.
        await call(mode, 2 * CONCURRENCY)
        control(pid, "-z")
        control(pid, "-i", "on")
        const r = await call(mode, SDK_COUNTED)
        control(pid, "-i", "off")
        control(pid, "-d")
        // A keep-alive connection the server closes as a slowed client reuses it fails a call now
        // and then (the SDK retries it, the bare call cannot): a few are noted, more are an error.
        if (r.failed > r.ok * MAX_FAILED_SHARE) throw new Error(`${mode}: ${r.failed} failed calls of ${r.ok + r.failed} under callgrind`)
        failures += r.failed
        const { all, main } = lastDump(dir, pid)
        counted[mode].push({ main: main / r.ok, all: all / r.ok })
      }
    }
    return { counted, failures }
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
    return { stopped: counted, bare: await one(() => Servers.bare(bodies, under), paths), lifecycle: await lifecycleWork(dir, under) }
  })

  log("work: figure 5's client under callgrind")
  const { counted: sdk, failures } = await sdkCalls(context, dir, under)

  const n = (x: number) => Stats.format(Math.round(x))
  // bare / (stopped + perSecond / R) >= target  <=>  R >= perSecond / (bare / target - stopped).
  const breakEven = (e: "list" | "get") => {
    const room = figure7.bare[e].main / readTargets[e] - figure7.stopped[e].main
    return room > 0 ? `${Stats.format(figure7.lifecycle.perSecond / room)} responses/s` : "no rate (missed with the clock stopped)"
  }
  const median = (xs: ReadonlyArray<{ readonly main: number; readonly all: number }>, k: "main" | "all") => Stats.median(xs.map((x) => x[k]))
  const perRound = (xs: ReadonlyArray<{ readonly main: number; readonly all: number }>) => xs.map((x) => `${n(x.main)} (${n(x.all)})`).join(", ")
  const rows = endpoints.flatMap((e) => [
    [`figure 1's ${e}: bare Hono`, n(figure1.bare[e].main), n(figure1.bare[e].all), Stats.format(figure1.bare[e].rps)],
    [`figure 1's ${e}: mock`, n(figure1.mock[e].main), n(figure1.mock[e].all), Stats.format(figure1.mock[e].rps)],
    [`figure 1's ${e}: bare / mock`, Stats.times(figure1.bare[e].main / figure1.mock[e].main), Stats.times(figure1.bare[e].all / figure1.mock[e].all), ""],
    [`figure 7's ${e}: bare Hono`, n(figure7.bare[e].main), n(figure7.bare[e].all), Stats.format(figure7.bare[e].rps)],
    [`figure 7's ${e}: mock, clock stopped`, n(figure7.stopped[e].main), n(figure7.stopped[e].all), Stats.format(figure7.stopped[e].rps)],
    [`figure 7's ${e}: bare / stopped mock`, Stats.times(figure7.bare[e].main / figure7.stopped[e].main), Stats.times(figure7.bare[e].all / figure7.stopped[e].all), ""],
    [
      `figure 7's ${e}: the living mock is within the target (≥ ${Stats.times(readTargets[e])}) in instructions while it answers at least`,
      breakEven(e),
      "",
      ""
    ]
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
        "The same bodies and paths as figures 1 and 7 (the list, and the get of its first execution; figure 7's with its clock stopped). " +
        `What figure 7's ${RUNNING.toLocaleString("en-US")} running executions add is counted apart, because it is work per second, not per request: the living mock ` +
        `(real-time clock, each run started again as it ends) runs ${LIFE_WARM_S} s, then is counted over ${LIFE_COUNTED_S} s with no request at all. ` +
        "A living mock answering R responses a second spends the stopped one's instructions per response plus the lifecycle's per second over R; " +
        "the table gives the rate from which that stays within figure 7's targets (for the list, a lower bound: a page that runs changed is built again by the next " +
        "request, which this does not count). Counts repeat within about 2 % from one start of a server to the next; " +
        "kernel time (the same system calls and bytes for every server) is not counted. " +
        `Figure 5's get: the client process under callgrind (the mock, figure 5's, in its own process, not counted), ${CONCURRENCY} fibers calling, ` +
        `${SDK_WARM.toLocaleString("en-US")} calls of each kind to warm up, then ${SDK_ROUNDS} rounds of ${SDK_COUNTED.toLocaleString("en-US")} counted calls of each, alternating; medians.`,
      tool: `valgrind ${spawnSync("valgrind", ["--version"], { encoding: "utf8" }).stdout.trim()} (callgrind); autocannon with a fixed number of requests.`,
      tables: [
        { headers: ["server and request", "main-thread instructions per response", "all threads", "req/s under callgrind"], rows },
        {
          headers: ["figure 5's get, client side", "main-thread instructions per call", "all threads", "per round: main (all)"],
          rows: [
            ["bare `HttpClient` call (`execute` + `text` + `JSON.parse`)", n(median(sdk.bare, "main")), n(median(sdk.bare, "all")), perRound(sdk.bare)],
            ["SDK `get`", n(median(sdk.sdk, "main")), n(median(sdk.sdk, "all")), perRound(sdk.sdk)],
            ["SDK / bare", Stats.times(median(sdk.sdk, "main") / median(sdk.bare, "main")), Stats.times(median(sdk.sdk, "all") / median(sdk.bare, "all")), ""]
          ]
        },
        {
          headers: ["figure 7's running executions, no request", "main-thread instructions", "", ""],
          rows: [
            ["per run that ends (and starts again)", n(figure7.lifecycle.perEnd), "", ""],
            ["runs that end per second", Stats.format(figure7.lifecycle.endsPerSecond), "", ""],
            ["per second", n(figure7.lifecycle.perSecond), "", ""]
          ]
        }
      ],
      targets: [],
      notes: [
        "No target of its own: a cross-check of figures 1 and 7, whose targets are request rates. Where a ratio here and one there disagree, " +
          "the difference is how the machine ran the instructions (cache misses, another process's load, the kernel), not the work the code asks for.",
        `Figure 5's counted calls that failed (a keep-alive connection closed under a slowed client): ${failures}.`
      ]
    }
  ]
}
