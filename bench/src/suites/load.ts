/**
 * Figure 6: 1,000 concurrent connections against the mock for 60 s: no errors, no failed
 * requests, and the heap after GC at the end no larger than after a warm-up.
 */
import { DataSet } from "@refold-effect/fixtures"
import type { LoadResult } from "../children/loadgen.js"
import type { Traffic } from "../children/mock.js"
import type * as Report from "../Report.js"
import * as Servers from "../Servers.js"
import * as Stats from "../Stats.js"
import { type Context, using } from "../Suite.js"
import { load, profileMock } from "./throughput.js"

/** Heap growth allowed between warm-up and end, after GC: what a flat heap may still vary by. */
const FLAT_BYTES = 8 * 2 ** 20

/** A mix of list requests (filters, pages, dates) and gets of the account's executions. */
const paths = (): ReadonlyArray<string> => {
  const ids = DataSet.bundled().executions.filter((e) => e.linked_account_id === Servers.account).slice(0, 20).map((e) => e._id)
  const lists = [
    "",
    "?status=ERRORED&limit=10",
    "?status=COMPLETED&page=2",
    "?execution_source=Schedule&execution_type=ASYNC",
    "?start_date=2026-06-01&end_date=2026-09-30&limit=50",
    "?page=3&limit=5"
  ].map((q) => `${Servers.listPath}${q}`)
  return [...lists, ...ids.map(Servers.getPath)]
}

/** When the mock had accepted a share of its connections, in seconds after the run began. */
const acceptedBy = (times: ReadonlyArray<number>): Array<[string, string]> => {
  if (times.length === 0) return []
  const sorted = [...times].sort((a, b) => a - b)
  return [0.5, 0.9, 1].map((share) => {
    const at = sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)]!
    return [`${share * 100} % of them accepted after`, `${Stats.format(at / 1000, 1)} s`]
  })
}

export const run = async (context: Context): Promise<ReadonlyArray<Report.Section>> => {
  const { settings, loadgen, log } = context
  return using(async (track) => {
    const mock = track(await Servers.mock({ kind: "bundled" }))
    const mix = paths()
    const base = { url: mock.ready.url, paths: mix, headers: Servers.authHeaders, timeout: 30 }
    log("load: warm-up, 100 connections")
    await load(loadgen, { ...base, connections: 100, seconds: Math.min(10, settings.loadSeconds) })
    const before = await mock.call<NodeJS.MemoryUsage>("memory", { collect: true })
    log(`load: ${settings.loadConnections} connections for ${settings.loadSeconds} s`)
    const samples: Array<NodeJS.MemoryUsage> = []
    const sampler = setInterval(() => {
      mock.call<NodeJS.MemoryUsage>("memory", { collect: false }, 10_000).then((m) => samples.push(m), () => undefined)
    }, 5_000)
    let result: LoadResult
    await mock.call("trafficReset", {})
    try {
      result = await load(loadgen, { ...base, connections: settings.loadConnections, seconds: settings.loadSeconds })
    } finally {
      clearInterval(sampler)
    }
    await new Promise((r) => setTimeout(r, 1_000))
    const traffic = await mock.call<Traffic>("traffic", {})
    const after = await mock.call<NodeJS.MemoryUsage>("memory", { collect: true })
    const growth = after.heapUsed - before.heapUsed
    const clean = result.errors === 0 && result.timeouts === 0 && result.non2xx === 0
    const section: Report.Section = {
      id: "6",
      title: `Load: ${Stats.format(settings.loadConnections)} connections for ${settings.loadSeconds} s`,
      method:
        `The mock (bundled data set, its own process) under ${Stats.format(settings.loadConnections)} concurrent keep-alive connections ` +
        `for ${settings.loadSeconds} s, each cycling through ${mix.length} requests (6 list queries with filters, pages and dates; ` +
        "20 gets), with auth headers, after a warm-up of the same mix at 100 connections. The mock reports `process.memoryUsage()` " +
        "every 5 s (no GC) and, after a full GC, before the run (after the warm-up) and 1 s after it. The mock's side of the run " +
        "(connections accepted, requests received and answered) is counted in its process from Node's diagnostics channels " +
        "(`net.server.socket`, `http.server.request.start`, `http.server.response.finish`).",
      tool: `autocannon 8, ${Stats.format(settings.loadConnections)} connections, \`pipelining: 1\`, 30 s request timeout.`,
      tables: [
        {
          headers: ["requests", "req/s", "p50 latency", "p99 latency", "errors", "timeouts", "non-2xx"],
          rows: [[Stats.format(result.total), Stats.format(result.rps), `${result.latencyP50} ms`, `${result.latencyP99} ms`, String(result.errors), String(result.timeouts), String(result.non2xx)]]
        },
        {
          headers: ["the mock's side", "value"],
          rows: [
            ["requests received", Stats.format(traffic.received)],
            ["requests answered (response written in full)", Stats.format(traffic.answered)],
            ["connections accepted", Stats.format(traffic.accepted.length)],
            ...acceptedBy(traffic.accepted)
          ]
        },
        {
          headers: ["heap", "heap used", "RSS"],
          rows: [
            ["after warm-up, after GC", Stats.mib(before.heapUsed), Stats.mib(before.rss)],
            ...samples.map((m, i) => [`during, at ${(i + 1) * 5} s`, Stats.mib(m.heapUsed), Stats.mib(m.rss)]),
            ["after the run, after GC", Stats.mib(after.heapUsed), Stats.mib(after.rss)]
          ]
        }
      ],
      targets: [
        { name: "no errors, no failed requests", goal: "0", measured: `${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx of ${Stats.format(result.total)}`, met: clean && result.total > 0 },
        { name: "heap flat at the end (after GC, vs after warm-up)", goal: `growth < ${Stats.mib(FLAT_BYTES, 0)}`, measured: Stats.mib(growth), met: growth < FLAT_BYTES }
      ]
    }
    if ((!clean || !(growth < FLAT_BYTES)) && settings.profile) {
      return [{ ...section, profiles: [await profileMock(context, "the mock under the load mix", mix, Servers.authHeaders)] }]
    }
    return [section]
  })
}
