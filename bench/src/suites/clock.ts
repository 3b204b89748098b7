/**
 * Figure 7: the mock's clock. (a) What one advance of the clock costs with 10,000 executions
 * running: in-process, a manual clock advanced by 1 s at a time, each advance applying the node
 * events that fall due (a priority queue of events, not a scan of the executions). (b) The read
 * path while 1,000 executions run on a real-time clock: list and get against a bare Hono app, as in
 * figure 1, with the same targets.
 */
import { createMockApp } from "@refold-effect/mock"
import * as Living from "../Living.js"
import type * as Report from "../Report.js"
import * as Servers from "../Servers.js"
import * as Stats from "../Stats.js"
import { alternate, type Context, using } from "../Suite.js"
import { load } from "./throughput.js"

const RUNNING = 10_000
const ADVANCE_MS = 1_000
const READ_RUNNING = 1_000
const listPath = `${Servers.listPath}?status=RUNNING&limit=10`

/** Milliseconds per advance of `ADVANCE_MS` over a fresh app with `RUNNING` executions, and the node events per advance. */
const advances = (rounds: number, perRound: number) => {
  const data = Living.generate(RUNNING, 11, RUNNING)
  const times: Array<number> = []
  const cpu: Array<number> = []
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
      for (const r of mock.store.executions()) {
        if (before.get(r._id) === r) continue
        changed++
        before.set(r._id, r)
      }
    }
    updates.push(changed / perRound)
    mock.close()
  }
  return { times, cpu, updates }
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
    const mock = track(await Servers.mock({ kind: "living", size: 100_000, seed: 11, running: READ_RUNNING, clockSpeed: 1 }))
    const url = mock.ready.url
    const list = await loadgen.call<{ status: number; body: string }>("get", { url: url + listPath, headers: Servers.authHeaders })
    const docs = (JSON.parse(list.body) as { docs: ReadonlyArray<{ _id: string }> }).docs
    if (list.status !== 200 || docs.length === 0) throw new Error(`the living mock's list answered ${list.status}: ${list.body.slice(0, 200)}`)
    const getPath = Servers.getPath(docs[0]!._id)
    const get = await loadgen.call<{ status: number; body: string }>("get", { url: url + getPath, headers: Servers.authHeaders })
    const bare = track(await Servers.bare({ list: list.body, get: get.body }))
    const urls = { mock: url, bare: bare.ready.url }
    const paths = { list: listPath, get: getPath }
    const runningAt = async () => (await mock.call<{ running: number }>("clock")).running
    const atStart = await runningAt()
    const measure = (endpoint: "list" | "get", seconds: number) => async (c: "mock" | "bare") =>
      (await load(loadgen, { url: urls[c], paths: [paths[endpoint]], headers: Servers.authHeaders, connections: settings.connections, seconds })).rps
    for (const e of ["list", "get"] as const) for (const c of ["mock", "bare"] as const) await measure(e, settings.warmup)(c)
    const results = {
      list: await alternate(settings.rounds, ["mock", "bare"] as const, measure("list", settings.seconds), 500),
      get: await alternate(settings.rounds, ["mock", "bare"] as const, measure("get", settings.seconds), 500)
    }
    return { results, atStart, atEnd: await runningAt() }
  })
  const ratio = (e: "list" | "get") => Stats.ratioOfMedians(read.results[e].mock, read.results[e].bare)
  const tList = ratio("list")
  const tGet = ratio("get")
  return [
    {
      id: "7",
      title: "The clock: advancing running executions, and reads while they run",
      method:
        `(a) In the harness's process: \`createMockApp\` over ${RUNNING.toLocaleString("en-US")} executions that have just started ` +
        `(every node Ready) on a manual clock; \`clock.advance(${ADVANCE_MS})\` ${perRound} times per fresh app, its CPU time (\`process.cpuUsage\`) and wall time ` +
        "(`performance.now()`) measured; the first advance of each app is the burst of every execution's first node, the later ones the steady state. " +
        `(b) The mock in its own process over 100,000 generated executions of which the ${READ_RUNNING.toLocaleString("en-US")} newest run on a ` +
        "real-time clock, against a bare Hono app answering the same bodies, with figure 1's requests and targets " +
        `(\`GET ${listPath}\` and one running execution's get).`,
      tool: `performance.now(); autocannon as in figure 1, ${settings.connections} connections, ${settings.rounds} rounds × ${settings.seconds} s.`,
      tables: [
        {
          headers: ["measure", "median", "per round"],
          rows: [
            [`CPU ms per advance of ${ADVANCE_MS} ms, ${RUNNING.toLocaleString("en-US")} started together`, Stats.format(advanceMedian, 2), a.cpu.map((x) => Stats.format(x, 1)).join(", ")],
            [`wall ms per advance of ${ADVANCE_MS} ms`, Stats.format(Stats.median(a.times), 2), a.times.map((x) => Stats.format(x, 1)).join(", ")],
            ["executions changed per advance", Stats.format(Stats.median(a.updates)), a.updates.map((x) => Stats.format(x)).join(", ")],
            ["list: living mock req/s", Stats.format(Stats.median(read.results.list.mock)), read.results.list.mock.map((x) => Stats.format(x)).join(", ")],
            ["list: bare Hono req/s", Stats.format(Stats.median(read.results.list.bare)), read.results.list.bare.map((x) => Stats.format(x)).join(", ")],
            ["get: living mock req/s", Stats.format(Stats.median(read.results.get.mock)), read.results.get.mock.map((x) => Stats.format(x)).join(", ")],
            ["get: bare Hono req/s", Stats.format(Stats.median(read.results.get.bare)), read.results.get.bare.map((x) => Stats.format(x)).join(", ")]
          ]
        }
      ],
      targets: [
        { name: `advance 1 s, ${RUNNING.toLocaleString("en-US")} running (CPU, median)`, goal: "< 50 ms", measured: `${Stats.format(advanceMedian, 2)} ms`, met: advanceMedian < 50 },
        { name: "list while executions run: mock / bare Hono", goal: "≥ 0.70×", measured: Stats.times(tList), met: tList >= 0.7 },
        { name: "get while executions run: mock / bare Hono", goal: "≥ 0.80×", measured: Stats.times(tGet), met: tGet >= 0.8 }
      ],
      notes: [
        `Executions running on the living mock's clock: ${read.atStart.toLocaleString("en-US")} when the measured runs started, ` +
          `${read.atEnd.toLocaleString("en-US")} when they ended (runs finish in real time: a few seconds to a few minutes).`
      ]
    }
  ]
}
