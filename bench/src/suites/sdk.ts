/**
 * Figure 5: the SDK against bare `fetch`: `get` request rate, heap growth over a long `stream`, and
 * `stream` with read-ahead against page by page when every page takes 20 ms.
 */
import { defaultReadAhead, type WalkParams } from "@refold-effect/sdk"
import type * as Child from "../Child.js"
import type { BreakdownArgs, RawWalkArgs, ThroughputArgs, ThroughputResult, WalkArgs, WalkResult } from "../children/sdk.js"
import type * as Report from "../Report.js"
import * as Servers from "../Servers.js"
import * as Stats from "../Stats.js"
import { alternate, type Context, using } from "../Suite.js"
import { profiled } from "./throughput.js"

const apiKey = Servers.authHeaders["x-api-key"]!
/** Fibers (or promises) calling `get` at once. */
export const CONCURRENCY = 10
const STREAM_LIMIT = 100
const WALK_LIMIT = 100

/** How the SDK's stream walks page by page (read-ahead off). */
export const pageByPage: WalkParams = { readAhead: false }

type Mode = ThroughputArgs["mode"]

const throughput = (client: Child.Child<object>, args: ThroughputArgs) =>
  client.call<ThroughputResult>("throughput", args, (args.seconds + 60) * 1000)

const walk = (client: Child.Child<object>, args: WalkArgs) => client.call<WalkResult>("walk", args, 600_000)

export const run = async (context: Context): Promise<ReadonlyArray<Report.Section>> => {
  const { settings, log } = context
  return using(async (track) => {
    // get: SDK (Effect), Promise facade, raw fetch + JSON.parse, against one mock.
    const mock = track(await Servers.mock({ kind: "bundled" }))
    const list = await fetch(`${mock.ready.url}${Servers.listPath}?status=ERRORED&limit=1`, { headers: Servers.authHeaders })
    const id = ((await list.json()) as { docs: Array<{ _id: string }> }).docs[0]!._id
    const client = track(await Servers.client())
    const target = { url: mock.ready.url, apiKey, account: Servers.account }
    const failures: Array<string> = []
    const cpu: Record<Mode, Array<number>> = { sdk: [], bare: [], raw: [], promise: [] }
    const measure = (seconds: number) => async (mode: Mode) => {
      const before = await Servers.cpuSeconds(client.process.pid!)
      const r = await throughput(client, { ...target, mode, id, concurrency: CONCURRENCY, seconds })
      const perCall = ((await Servers.cpuSeconds(client.process.pid!)) - before) * 1e6 / r.ok
      cpu[mode].push(perCall)
      if (r.failed > 0) failures.push(`${mode}: ${r.failed} failed calls`)
      log(`  get ${mode}: ${Stats.format(r.ok / r.seconds)} calls/s, ${Stats.format(perCall)} µs client CPU per call`)
      return r.ok / r.seconds
    }
    const modes: ReadonlyArray<Mode> = ["sdk", "bare", "raw", "promise"]
    log("sdk: get warm-up")
    for (const m of modes) await measure(settings.warmup)(m)
    failures.length = 0
    for (const m of modes) cpu[m].length = 0
    log(`sdk: get, ${settings.rounds} rounds × ${settings.seconds} s`)
    const rates = await alternate(settings.rounds, modes, measure(settings.seconds), 1_000)
    const getRatio = Stats.ratioOfMedians(rates.sdk, rates.raw)
    // What is ours: the SDK's CPU per call over that of the same HttpClient's bare execute + JSON.parse.
    const overhead = Stats.median(cpu.sdk) / Stats.median(cpu.bare)
    log("sdk: get breakdown")
    const layers = await client.call<Record<string, number>>("breakdown", {
      ...target,
      id,
      calls: settings.mode === "quick" ? 200 : 500,
      rounds: settings.rounds
    } satisfies BreakdownArgs)
    await mock.stop()

    // stream over 10^5 executions of one account: heap after GC every 10,000 executions.
    log(`sdk: stream over ${Stats.format(settings.streamSize)} executions`)
    const big = track(await Servers.mock({ kind: "generate", size: settings.streamSize, seed: 1, accounts: 1 }))
    const heapClient = track(await Servers.client())
    const heap = await walk(heapClient, { url: big.ready.url, apiKey, account: Servers.account, limit: STREAM_LIMIT, sampleEvery: 10_000 })
    await heapClient.stop()
    await big.stop()

    // stream with read-ahead (the default) against page by page, 20 ms per page (the mock's `Prefer: delay`).
    const pages = settings.walkPages
    log(`sdk: stream of ${pages} pages with ${settings.delayMs} ms per page`)
    const slow = track(await Servers.mock({ kind: "generate", size: pages * WALK_LIMIT * 2, seed: 1, accounts: 1 }))
    const delayed = { url: slow.ready.url, apiKey, account: Servers.account, prefer: `delay=${settings.delayMs}` }
    // A warm-up walk each way (JIT, connections), not counted.
    for (const options of [{}, pageByPage]) await walk(client, { ...delayed, limit: WALK_LIMIT, maxPages: 5, sampleEvery: 0, options })
    const walks: Array<WalkResult> = []
    const walkMs = await alternate(settings.rounds, ["readAhead", "pageByPage", "raw4", "raw1"] as const, async (how) => {
      if (how === "raw4" || how === "raw1") {
        const args: RawWalkArgs = { ...delayed, limit: WALK_LIMIT, pages, concurrency: how === "raw4" ? defaultReadAhead : 1 }
        return (await client.call<{ ms: number }>("rawWalk", args, 600_000)).ms
      }
      const r = await walk(client, { ...delayed, limit: WALK_LIMIT, maxPages: pages, sampleEvery: 0, options: how === "readAhead" ? {} : pageByPage })
      walks.push(r)
      return r.ms
    })
    const expected = pages * WALK_LIMIT
    const complete = walks.every((w) => w.count === expected && w.distinct === expected)
    const speedup = Stats.ratioOfMedians(walkMs.pageByPage, walkMs.readAhead)

    const mb = (b: number) => Stats.mib(b)
    const section: Report.Section = {
      id: "5",
      title: "SDK",
      method:
        `**get**: a client process calls \`get\` of one execution in a closed loop with ${CONCURRENCY} concurrent callers for ` +
        `${settings.seconds} s, against one mock (bundled data set), in ${settings.rounds} rounds alternating four clients: the SDK ` +
        `(\`Executions.get\`, ${CONCURRENCY} fibers on a \`ManagedRuntime\`, through the platform's \`FetchHttpClient\` given as its \`HttpClient\`), ` +
        "that same `HttpClient`'s bare `execute` + `text` + `JSON.parse` of the same request (same fibers, same runtime), its Promise facade " +
        "(`createRefoldClient().executions.get`, also over `FetchHttpClient`), and raw `fetch` + `JSON.parse` with the same headers. " +
        `**stream heap**: \`stream({ limit: ${STREAM_LIMIT} })\` over one account of ${Stats.format(settings.streamSize)} generated ` +
        "executions; heap used after a full GC (`--expose-gc`) every 10,000 executions and at the end, minus the heap before the walk. " +
        `**read-ahead**: \`stream({ limit: ${WALK_LIMIT}, maxPages: ${pages} })\` with every request sent with \`Prefer: delay=${settings.delayMs}\` (added by a \`fetch\` given to the SDK) ` +
        `(the mock waits ${settings.delayMs} ms before answering), with the SDK's default read-ahead against \`${JSON.stringify(pageByPage)}\`, ` +
        `${settings.rounds} rounds alternating with two references that fetch the same pages with raw \`fetch\` (${defaultReadAhead} at a time, the SDK's default read-ahead, and one at a time); ` +
        `each SDK walk must yield all ${Stats.format(expected)} executions once.`,
      tool: "Closed loops and `performance.now()` in a client child process (built SDK); `process.memoryUsage()`.",
      tables: [
        {
          headers: ["client", "calls/s per round", "median calls/s", "client CPU µs per call (median)"],
          rows: modes.map((m) => [
            m === "sdk"
              ? "SDK (Effect) through FetchHttpClient"
              : m === "bare"
              ? "the same FetchHttpClient: execute + JSON.parse"
              : m === "promise"
              ? "SDK (Promise facade)"
              : "raw fetch + JSON.parse",
            rates[m].map((x) => Stats.format(x)).join(", "),
            Stats.format(Stats.median(rates[m])),
            Stats.format(Stats.median(cpu[m]))
          ])
        },
        {
          headers: ["stream heap", "value"],
          rows: [
            ["executions streamed", Stats.format(heap.count)],
            ["heap growth after GC, per 10,000 executions", heap.samples.map(mb).join(", ")],
            ["largest growth", mb(heap.maxGrowth)],
            ["wall time", `${Stats.format(heap.ms)} ms`]
          ]
        },
        {
          headers: ["walk", "ms per round", "median ms"],
          rows: [
            ["read-ahead (default)", walkMs.readAhead.map((x) => Stats.format(x)).join(", "), Stats.format(Stats.median(walkMs.readAhead))],
            ["page by page", walkMs.pageByPage.map((x) => Stats.format(x)).join(", "), Stats.format(Stats.median(walkMs.pageByPage))],
            [`reference: raw \`fetch\`, ${defaultReadAhead} pages at a time`, walkMs.raw4.map((x) => Stats.format(x)).join(", "), Stats.format(Stats.median(walkMs.raw4))],
            ["reference: raw `fetch`, one page at a time", walkMs.raw1.map((x) => Stats.format(x)).join(", "), Stats.format(Stats.median(walkMs.raw1))]
          ]
        },
        {
          caption:
            "**Where an SDK `get` spends its time.** The layers of one call, each alone, in the client process against the same mock: " +
            "sequential calls, CPU time per call (`process.cpuUsage`), median of the rounds, and relative to raw `fetch`.",
          headers: ["call path", "CPU µs per call", "relative to raw"],
          rows: Object.entries(layers).map(([name, us]) => [name, Stats.format(us, 1), Stats.times(us / layers["raw `fetch` + `JSON.parse`"]!)])
        }
      ],
      targets: [
        {
          name: "get: SDK CPU per call / same HttpClient's bare execute + JSON.parse",
          goal: "≤ 1.2×",
          measured: Stats.times(overhead),
          met: overhead <= 1.2 && failures.length === 0
        },
        { name: "get: SDK / raw fetch (calls/s, reference)", goal: "—", measured: Stats.times(getRatio), met: true },
        { name: `stream heap growth over ${Stats.format(settings.streamSize)}`, goal: "< 64 MiB", measured: mb(heap.maxGrowth), met: heap.maxGrowth < 64 * 2 ** 20 && heap.count === settings.streamSize },
        { name: `stream speed-up with read-ahead, ${settings.delayMs} ms per page`, goal: "≥ 3×", measured: Stats.times(speedup, 1), met: speedup >= 3 && complete }
      ],
      notes: [
        failures.length === 0 ? "No failed calls in any measured run." : `Failures: ${failures.join("; ")}.`,
        complete ? `Every walk yielded all ${Stats.format(expected)} executions, each once.` : `Incomplete walks: ${walks.map((w) => `${w.count}/${w.distinct ?? "?"}`).join(", ")}.`
      ]
    }
    if (!(getRatio >= 0.7) && settings.profile) {
      const m2 = track(await Servers.mock({ kind: "bundled" }))
      const args = { url: m2.ready.url, apiKey, account: Servers.account, mode: "sdk" as const, id, concurrency: CONCURRENCY, seconds: Math.max(5, settings.seconds) }
      const profile = await profiled(client, "the client process running `Executions.get` in a closed loop", () => throughput(client, args))
      return [{ ...section, profiles: [profile] }]
    }
    return [section]
  })
}
