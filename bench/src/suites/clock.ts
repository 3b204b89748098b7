/**
 * Figure 7: the mock's clock. (a) What one advance of the clock costs with 10,000 executions
 * running: in-process, a manual clock advanced by 1 s at a time, each advance applying the node
 * events that fall due (a priority queue of events, not a scan of the executions). (b) The read
 * path while 1,000 executions run on a real-time clock: list and get against a bare Hono app, as in
 * figure 1, with the same targets, and against the same mock with its clock stopped (what running
 * executions cost, apart from what the mock costs anyway).
 */
import { createMockApp } from "@refold-effect/mock"
import * as Living from "../Living.js"
import type * as Report from "../Report.js"
import * as Servers from "../Servers.js"
import * as Stats from "../Stats.js"
import { alternate, type Context, using } from "../Suite.js"
import * as throughput from "./throughput.js"

/** Figure 1's read targets, which must hold while executions run: mock / bare Hono, at least. */
export const readTargets = { list: 0.7, get: 0.8 } as const

const RUNNING = 10_000
const ADVANCE_MS = 1_000
/** Executions running while the read path is measured. */
export const READ_RUNNING = 1_000
/** Figure 1's list, whose targets must hold while executions run. */
const figure1ListPath = throughput.listPath
/** The newest running executions: a page that changes as they run. */
const runningListPath = `${Servers.listPath}?status=RUNNING&limit=10`

/** The servers of (b): the living mock, the same mock with its clock stopped, and a bare app. */
const contenders = ["mock", "stopped", "bare"] as const
type Contender = (typeof contenders)[number]

/** One request of (b): figure 1's list or get, or the running ones. */
interface Which {
  readonly pair: "figure1" | "running"
  readonly endpoint: "list" | "get"
  readonly name: string
}
const measured: ReadonlyArray<Which> = [
  { pair: "figure1", endpoint: "list", name: `list (figure 1's, \`${figure1ListPath.slice(Servers.listPath.length)}\`)` },
  { pair: "figure1", endpoint: "get", name: "get (figure 1's: the first of that list)" },
  { pair: "running", endpoint: "list", name: "list of the newest running (`?status=RUNNING&limit=10`)" },
  { pair: "running", endpoint: "get", name: "get of a running execution" }
]

/**
 * Milliseconds per advance of `ADVANCE_MS` over a fresh app with `RUNNING` executions, then those
 * of reading every execution (which writes the nodes that finished meanwhile), and the executions
 * changed per advance.
 */
const advances = (rounds: number, perRound: number) => {
  const data = Living.generate(RUNNING, 11, RUNNING)
  const times: Array<number> = []
  const cpu: Array<number> = []
  const readCpu: Array<number> = []
  const updates: Array<number> = []
  for (let round = 0; round < rounds; round++) {
    const mock = createMockApp({ data, clock: { speed: 0 }, journal: 0 })
    if (mock.lifecycle.size() !== RUNNING) throw new Error(`expected ${RUNNING} running executions, got ${mock.lifecycle.size()}`)
    let changed = 0
    const before = new Map(mock.store.executions().map((r) => [r._id, r]))
    for (let i = 0; i < perRound; i++) {
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      mock.clock.advance(ADVANCE_MS)
      times.push(performance.now() - t0)
      const c = process.cpuUsage(c0)
      cpu.push((c.user + c.system) / 1000)
      const r0 = process.cpuUsage()
      const all = mock.store.executions()
      const r = process.cpuUsage(r0)
      readCpu.push((r.user + r.system) / 1000)
      for (const r of all) {
        if (before.get(r._id) === r) continue
        changed++
        before.set(r._id, r)
      }
    }
    updates.push(changed / perRound)
    mock.close()
  }
  return { times, cpu, readCpu, updates }
}

export const run = async (context: Context): Promise<ReadonlyArray<Report.Section>> => {
  const { settings, loadgen, log } = context
  log(`clock: advancing ${RUNNING.toLocaleString("en-US")} running executions`)
  const perRound = 5
  advances(1, 2) // warm-up
  const a = advances(settings.rounds * 2, perRound)
  // CPU time, not wall time: on a shared machine the wall time of a 50 ms step is mostly waiting for a core.
  const advanceMedian = Stats.median(a.cpu)

  const read = await using(async (track) => {
    const mock = track(await Servers.mock({ kind: "living", running: READ_RUNNING, clockSpeed: 1 }))
    // The control: the same data set and requests, on a clock that does not move (speed 0).
    const stopped = track(await Servers.mock({ kind: "living", running: READ_RUNNING, clockSpeed: 0 }))
    const url = mock.ready.url
    const fetchBody = async (path: string) => {
      const r = await loadgen.call<{ status: number; body: string }>("get", { url: url + path, headers: Servers.authHeaders })
      if (r.status !== 200) throw new Error(`the living mock answered ${r.status} to ${path}: ${r.body.slice(0, 200)}`)
      return r.body
    }
    // A list and the get of its first execution; a bare app answers both with the bodies seen now.
    const pair = async (listPath: string) => {
      const list = await fetchBody(listPath)
      const first = (JSON.parse(list) as { docs: ReadonlyArray<{ _id: string }> }).docs[0]
      if (first === undefined) throw new Error(`the living mock's ${listPath} is empty`)
      const getPath = Servers.getPath(first._id)
      const bare = track(await Servers.bare({ list, get: await fetchBody(getPath) }))
      return { bare: bare.ready.url, barePid: bare.process.pid!, paths: { list: listPath, get: getPath } }
    }
    const pairs = { figure1: await pair(figure1ListPath), running: await pair(runningListPath) }
    const clock = () => mock.call<{ running: number; restarts: number }>("clock")
    const before = await clock()
    // Server CPU per response, as figure 1 reads it: a cross-check that does not depend on how much of the machine a server got.
    const cpu: Array<Record<Contender, Array<number>>> = measured.map(() => ({ mock: [], stopped: [], bare: [] }))
    const measure = (which: Which, seconds: number, into?: Record<Contender, Array<number>>) => async (c: Contender) => {
      const pid = c === "mock" ? mock.process.pid! : c === "stopped" ? stopped.process.pid! : pairs[which.pair].barePid
      const cpuBefore = await Servers.cpuSeconds(pid)
      const r = await throughput.load(loadgen, {
        url: c === "mock" ? url : c === "stopped" ? stopped.ready.url : pairs[which.pair].bare,
        paths: [pairs[which.pair].paths[which.endpoint]],
        headers: Servers.authHeaders,
        connections: settings.connections,
        seconds
      })
      into?.[c].push(((await Servers.cpuSeconds(pid)) - cpuBefore) * 1e6 / r.total)
      return r.rps
    }
    for (const which of measured) for (const c of contenders) await measure(which, settings.warmup)(c)
    const results: Array<Record<Contender, ReadonlyArray<number>>> = []
    for (const [i, which] of measured.entries()) results.push(await alternate(settings.rounds, contenders, measure(which, settings.seconds, cpu[i]), 500))
    const after = await clock()
    return { results, cpu, atStart: before.running, atEnd: after.running, restarts: after.restarts - before.restarts }
  })
  const ratios = read.results.map((r) => Stats.ratioOfMedians(r.mock, r.bare))
  const living = read.results.map((r) => Stats.ratioOfMedians(r.mock, r.stopped))
  const [tList, tGet] = ratios as [number, number]
  return [
    {
      id: "7",
      title: "The clock: advancing running executions, and reads while they run",
      method:
        `(a) In the harness's process: \`createMockApp\` over ${RUNNING.toLocaleString("en-US")} executions that have just started ` +
        `(every node Ready) on a manual clock; \`clock.advance(${ADVANCE_MS})\` ${perRound} times per fresh app, its CPU time (\`process.cpuUsage\`) and wall time ` +
        "(`performance.now()`) measured; the first advance of each app is the burst of every execution's first node, the later ones the steady state. " +
        "An advance writes the runs that end; the nodes that finished before are written when an execution is read, so reading all of them " +
        "(`store.executions()`) after each advance is measured beside it. " +
        `(b) The mock in its own process over figure 1's data set (the bundled one) plus ${READ_RUNNING.toLocaleString("en-US")} executions that have just started, ` +
        "on a real-time clock, each started again as soon as it ends so that as many run throughout, against a bare Hono app answering the same bodies, " +
        "with figure 1's requests and targets, and against a control: the same mock over the same data set with its clock stopped (speed 0, in a process " +
        "of its own), which answers the same requests with nothing advancing, so that living / stopped is what running executions cost and stopped / bare " +
        "what the mock costs anyway (its executions never end, so its figure 1 list is the bundled set's); the three alternate in each round; the same comparison on the requests that read only what changes (the newest running executions " +
        "and the get of one of them: every request of these sees a page or a record that changed since the last) is reported beside them. " +
        "The executions started by the benchmark are the newest, so figure 1's list of the newest errored ones changes too. " +
        "Figure 3 measures what the size of the data set costs.",
      tool: `performance.now(); autocannon as in figure 1, ${settings.connections} connections, ${settings.rounds} rounds × ${settings.seconds} s.`,
      tables: [
        {
          headers: ["measure", "median", "per round"],
          rows: [
            [`CPU ms per advance of ${ADVANCE_MS} ms, ${RUNNING.toLocaleString("en-US")} started together`, Stats.format(advanceMedian, 2), a.cpu.map((x) => Stats.format(x, 1)).join(", ")],
            [`wall ms per advance of ${ADVANCE_MS} ms`, Stats.format(Stats.median(a.times), 2), a.times.map((x) => Stats.format(x, 1)).join(", ")],
            [`CPU ms to read all ${RUNNING.toLocaleString("en-US")} after an advance (writing the nodes that finished)`, Stats.format(Stats.median(a.readCpu), 2), a.readCpu.map((x) => Stats.format(x, 1)).join(", ")],
            ["executions changed per advance", Stats.format(Stats.median(a.updates)), a.updates.map((x) => Stats.format(x)).join(", ")],
            ...measured.flatMap((which, i) => {
              const r = read.results[i]!
              return [
                [`${which.name}: living mock req/s`, Stats.format(Stats.median(r.mock)), r.mock.map((x) => Stats.format(x)).join(", ")],
                [`${which.name}: stopped mock req/s`, Stats.format(Stats.median(r.stopped)), r.stopped.map((x) => Stats.format(x)).join(", ")],
                [`${which.name}: bare Hono req/s`, Stats.format(Stats.median(r.bare)), r.bare.map((x) => Stats.format(x)).join(", ")],
                [`${which.name}: mock / bare`, Stats.times(ratios[i]!), ""],
                [`${which.name}: living / stopped mock`, Stats.times(living[i]!), ""],
                [
                  `${which.name}: server CPU per response, bare / mock (and bare / stopped)`,
                  `${Stats.times(Stats.ratioOfMedians(read.cpu[i]!.bare, read.cpu[i]!.mock))} (${Stats.times(Stats.ratioOfMedians(read.cpu[i]!.bare, read.cpu[i]!.stopped))})`,
                  (["mock", "stopped", "bare"] as const).map((c) => `${c} ${read.cpu[i]![c].map((x) => Stats.format(x)).join(", ")}`).join("; ") + " µs"
                ]
              ]
            })
          ]
        }
      ],
      targets: [
        { name: `advance 1 s, ${RUNNING.toLocaleString("en-US")} running (CPU, median)`, goal: "< 50 ms", measured: `${Stats.format(advanceMedian, 2)} ms`, met: advanceMedian < 50 },
        { name: "list while executions run: mock / bare Hono", goal: `≥ ${Stats.times(readTargets.list)}`, measured: Stats.times(tList), met: tList >= readTargets.list },
        { name: "get while executions run: mock / bare Hono", goal: `≥ ${Stats.times(readTargets.get)}`, measured: Stats.times(tGet), met: tGet >= readTargets.get }
      ],
      notes: [
        `Executions running on the living mock's clock: ${read.atStart.toLocaleString("en-US")} when the measured runs started, ` +
          `${read.atEnd.toLocaleString("en-US")} when they ended; ${read.restarts.toLocaleString("en-US")} runs ended and were started again meanwhile.`,
        "Server CPU per response (user + system time of the server process from `/proc/<pid>/stat` over each run, divided by its responses) " +
          "cross-checks the request rates as in figure 1: it does not depend on how much of the shared machine a server got."
      ]
    }
  ]
}
