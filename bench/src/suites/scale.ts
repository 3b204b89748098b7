/**
 * Figure 3: list latency over 10^6 executions against 10^3, every filter combination on page 1
 * and on a page in the middle; and the structural check that no list request reads all records.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import type * as Child from "../Child.js"
import type { LatencyResult } from "../children/loadgen.js"
import type * as Mock from "../children/mock.js"
import type * as Scan from "../children/scan.js"
import * as Queries from "../Queries.js"
import type * as Report from "../Report.js"
import * as Servers from "../Servers.js"
import * as Stats from "../Stats.js"
import { alternate, type Context, using } from "../Suite.js"

type Size = "small" | "large"

/** The page-1 and middle-page paths of every combination, for one server (middles depend on its data). */
const pathsFor = async (loadgen: Child.Child<object>, url: string) => {
  const first: Array<string> = []
  const middle: Array<string> = []
  for (const params of Queries.combinations()) {
    const path = Queries.path(params)
    const r = await loadgen.call<{ status: number; body: string }>("get", { url: url + path, headers: Servers.authHeaders })
    if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status}: ${r.body.slice(0, 200)}`)
    first.push(path)
    middle.push(Queries.path({ ...params, page: String(Queries.middle((JSON.parse(r.body) as { totalPages: number }).totalPages)) }))
  }
  return { first, middle }
}

const scan = (size: number) =>
  new Promise<Scan.Result>((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL("../children/scan.js", import.meta.url)), String(size)], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    child.stdout.on("data", (c: Buffer) => (out += c.toString()))
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000)
    child.on("exit", (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(JSON.parse(out) as Scan.Result)
      else reject(new Error(`scan check exited with code ${code}`))
    })
  })

export const run = async (context: Context): Promise<ReadonlyArray<Report.Section>> => {
  const { settings, loadgen, log } = context
  const sizes: Record<Size, number> = { small: 1_000, large: settings.large }
  return using(async (track) => {
    log(`scale: generating ${Stats.format(sizes.small)} and ${Stats.format(sizes.large)} executions`)
    const servers = {} as Record<Size, Child.Child<Mock.Ready>>
    for (const s of ["small", "large"] as const) servers[s] = track(await Servers.mock({ kind: "generate", size: sizes[s], seed: 1 }))
    const paths = { small: await pathsFor(loadgen, servers.small.ready.url), large: await pathsFor(loadgen, servers.large.ready.url) }
    const all = (s: Size) => [...paths[s].first, ...paths[s].middle]
    // A warm-up pass (JIT, and the per-record JSON the mock caches on first use) that is not counted.
    for (const s of ["small", "large"] as const) await loadgen.call("latency", { url: servers[s].ready.url, paths: all(s), headers: Servers.authHeaders })

    const samples: Record<Size, { first: Array<number>; middle: Array<number> }> = {
      small: { first: [], middle: [] },
      large: { first: [], middle: [] }
    }
    let bad = 0
    log(`scale: ${settings.rounds} passes × ${all("small").length} requests per size`)
    await alternate(settings.rounds, ["small", "large"] as const, async (s) => {
      const r = await loadgen.call<LatencyResult>("latency", { url: servers[s].ready.url, paths: all(s), headers: Servers.authHeaders })
      const n = paths[s].first.length
      samples[s].first.push(...r.ms.slice(0, n))
      samples[s].middle.push(...r.ms.slice(n))
      bad += r.statuses.filter((x) => x !== 200).length
      return Stats.median(r.ms)
    })
    log("scale: instrumented scan check")
    const check = await scan(settings.mode === "quick" ? 20_000 : 100_000)

    const kinds = [
      ["page 1", (s: Size) => samples[s].first],
      ["middle page", (s: Size) => samples[s].middle],
      ["all", (s: Size) => [...samples[s].first, ...samples[s].middle]]
    ] as const
    const ratios = kinds.map(([name, of]) => [name, Stats.ratioOfMedians(of("large"), of("small"))] as const)
    const ms = (x: number) => `${Stats.format(x, 3)} ms`
    const combos = Queries.combinations().length
    return [
      {
        id: "3",
        title: `Scale: ${Stats.format(sizes.large)} executions vs ${Stats.format(sizes.small)}`,
        method:
          `Two mocks run at once (each in its own process, \`--generate\`-style data from \`DataSet.generate\`, seed 1, 4 accounts, anchored on \`DataSet.bundledAnchor\`), ` +
          `one over ${Stats.format(sizes.small)} executions and one over ${Stats.format(sizes.large)}. For every filter combination ` +
          `(${combos}: status absent or one of 6, source absent or one of 3, type absent or one of 2, dates absent, from, to or both) ` +
          "the load generator requests page 1 and the page in the middle of that combination's `totalPages` (limit 10, account " +
          "`user_12345`), one request at a time over one keep-alive connection, timing each with `process.hrtime`. One warm-up pass, " +
          `then ${settings.rounds} passes per server, alternating servers; the statistic is the median latency of all requests of a kind.`,
        tool: "Node `http.get` with a keep-alive agent (one socket), in the load generator process; a `Proxy`-instrumented in-process check for the scan.",
        tables: [
          {
            headers: ["requests", `median, ${Stats.format(sizes.small)}`, `median, ${Stats.format(sizes.large)}`, "p90, small", "p90, large", "large / small"],
            rows: kinds.map(([name, of], i) => [
              name,
              ms(Stats.median(of("small"))),
              ms(Stats.median(of("large"))),
              ms(Stats.quantile(of("small"), 0.9)),
              ms(Stats.quantile(of("large"), 0.9)),
              Stats.times(ratios[i]![1])
            ])
          },
          {
            caption:
              `**No scan.** Over ${Stats.format(check.size)} executions whose records are wrapped in a \`Proxy\` that notes every read, ` +
              "on a manual clock (on a running one, the events of executions advancing between requests read the records they change: figure 7 measures that work), " +
              `after the store is built, each of ${Stats.format(check.requests)} list requests (every combination, page 1 and middle) ` +
              "read no record besides those of the page it returned:",
            headers: ["most records read by one request", "largest page returned", "requests reading other records", "request reading most"],
            rows: [[String(check.maxRead), String(check.maxReturned), String(check.violations), `\`${check.worst}\``]]
          }
        ],
        targets: [
          ...ratios.slice(0, 2).map(([name, r]) => ({
            name: `${name} latency: ${Stats.format(sizes.large)} / ${Stats.format(sizes.small)}`,
            goal: "≤ 2×",
            measured: Stats.times(r),
            met: r <= 2 && bad === 0
          })),
          {
            name: "no list request reads all executions",
            goal: "reads only the page's records",
            measured: `${check.violations} of ${Stats.format(check.requests)} requests read more; at most ${check.maxRead} of ${Stats.format(check.size)} records`,
            met: check.violations === 0
          }
        ],
        notes: bad === 0 ? [] : [`${bad} requests did not answer 200.`]
      }
    ]
  })
}
