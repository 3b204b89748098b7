/**
 * Figures 1 and 2: the mock's request rate on the list and get endpoints, side by side with a bare
 * Hono app answering constant bodies of the same bytes (the ceiling of any Hono server) and with
 * Prism mocking our OpenAPI document (the alternative a user would pick).
 */
import type * as Child from "../Child.js"
import type { LoadArgs, LoadResult } from "../children/loadgen.js"
import type * as Mock from "../children/mock.js"
import * as Profile from "../Profile.js"
import type * as Report from "../Report.js"
import * as Servers from "../Servers.js"
import * as Stats from "../Stats.js"
import { alternate, type Context, using } from "../Suite.js"

const autocannonVersion = "autocannon 8 (programmatic), `pipelining: 1`"

/** The figure's two requests. */
/** Figure 1's list request. */
export const listPath = `${Servers.listPath}?status=ERRORED&limit=10`

/** Pause between runs: Prism keeps working (GC, logging) for a while after its run ends. */
const SETTLE_MS = 2_000

type Contender = "mock" | "bare" | "prism"
type Endpoint = "list" | "get"

/** One autocannon run of `paths` against `url`. */
export const load = (loadgen: Child.Child<object>, args: LoadArgs): Promise<LoadResult> =>
  loadgen.call<LoadResult>("load", args, (args.seconds + 60) * 1000)

/**
 * Profiles a child (V8's CPU profiler, as `node --cpu-prof`) while `work` runs, and returns the
 * profile's top frames as Markdown.
 */
export const profiled = async (child: Child.Child<unknown>, title: string, work: () => Promise<unknown>): Promise<string> => {
  await child.call("profileStart")
  await work()
  return Profile.markdown(title, await child.call<Profile.CpuProfile>("profileStop"))
}

/** Profiles a mock (bundled data) under `paths` for a few seconds. */
export const profileMock = async (context: Context, title: string, paths: ReadonlyArray<string>, headers: Record<string, string>) =>
  using(async (track) => {
    const mock = track(await Servers.mock({ kind: "bundled" }))
    const args = { url: mock.ready.url, paths, headers, connections: context.settings.connections, seconds: 2 }
    await load(context.loadgen, args) // warm-up, so that the profile shows the steady state
    return profiled(mock, title, () => load(context.loadgen, { ...args, seconds: Math.max(5, context.settings.seconds) }))
  })

type Change = "get" | "stop" | "rerun"

/**
 * Stop and rerun side by side with get, on a mock of their own (their changes must not reach the
 * list and get figures): `POST …/:id/stop` cycling over every execution of the account (the first
 * stop of a RUNNING one changes it, every other is acknowledged as it is), `POST …/:id/rerun`
 * cycling over its failed and stopped ones (every request inserts a new execution at the head), and
 * `GET …/:id` as the reference.
 */
const measureChanges = async (context: Context, track: <C extends { stop: () => Promise<void> }>(c: C) => C) => {
  const { settings, loadgen, log } = context
  const mock = track(await Servers.mock({ kind: "bundled" }))
  const ids = async (query: string) => {
    const r = await loadgen.call<{ status: number; body: string }>("get", { url: `${mock.ready.url}${Servers.listPath}?limit=1000${query}`, headers: Servers.authHeaders })
    return (JSON.parse(r.body) as { docs: ReadonlyArray<{ _id: string }> }).docs.map((d) => d._id)
  }
  const all = await ids("")
  const failed = [...(await ids("&status=ERRORED")), ...(await ids("&status=STOPPED")), ...(await ids("&status=TIMED_OUT"))]
  const requests: Record<Change, { readonly method: "GET" | "POST"; readonly paths: ReadonlyArray<string> }> = {
    get: { method: "GET", paths: [Servers.getPath(all[0]!)] },
    stop: { method: "POST", paths: all.map((id) => `${Servers.getPath(id)}/stop`) },
    rerun: { method: "POST", paths: failed.map((id) => `${Servers.getPath(id)}/rerun`) }
  }
  const failures: Array<string> = []
  let inserted = 0
  log(`throughput: stop and rerun beside get, ${settings.rounds} rounds × ${settings.seconds} s`)
  const results = await alternate(settings.rounds, ["get", "stop", "rerun"] as const, async (c: Change) => {
    const r = await load(loadgen, { url: mock.ready.url, ...requests[c], headers: Servers.authHeaders, connections: settings.connections, seconds: settings.seconds })
    if (r.errors + r.non2xx > 0) failures.push(`${c}: ${r.errors} errors, ${r.non2xx} non-2xx`)
    if (c === "rerun") inserted += r.total
    log(`  ${c}: ${Stats.format(r.rps)} req/s`)
    return r.rps
  }, SETTLE_MS)
  const table: Report.Table = {
    caption:
      "**Changes beside reads.** One more mock (bundled data set, its own process), `POST …/:id/stop` over every execution of the " +
      `account in turn, \`POST …/:id/rerun\` over its ${failed.length} failed and stopped ones (each answer inserts a new execution), ` +
      "and `GET …/:id`, alternated; request rate relative to get.",
    headers: ["request", "req/s per round", "median req/s", "/ get"],
    rows: (["get", "stop", "rerun"] as const).map((c) => [
      c,
      results[c].map((x) => Stats.format(x)).join(", "),
      Stats.format(Stats.median(results[c])),
      Stats.times(Stats.ratioOfMedians(results[c], results.get))
    ])
  }
  const note = `Stop and rerun: ${failures.length === 0 ? "no errors and no non-2xx responses" : failures.join("; ")}; reruns inserted ${Stats.format(inserted)} executions.`
  return { table, note }
}

export const run = async (context: Context): Promise<ReadonlyArray<Report.Section>> => {
  const { settings, loadgen, log } = context
  return using(async (track) => {
    const mock = track(await Servers.mock({ kind: "bundled" }))
    const list = await loadgen.call<{ status: number; body: string }>("get", { url: mock.ready.url + listPath, headers: Servers.authHeaders })
    const listBody = JSON.parse(list.body) as { docs: ReadonlyArray<{ _id: string }>; totalDocs: number }
    if (list.status !== 200 || listBody.docs.length === 0) throw new Error(`the mock's list answered ${list.status}: ${list.body.slice(0, 200)}`)
    const id = listBody.docs[0]!._id
    const getPath = Servers.getPath(id)
    const get = await loadgen.call<{ status: number; body: string }>("get", { url: mock.ready.url + getPath, headers: Servers.authHeaders })
    if (get.status !== 200) throw new Error(`the mock's get answered ${get.status}`)

    const bare = track(await Servers.bare({ list: list.body, get: get.body }))
    const prism = track(await Servers.prism())
    const urls: Record<Contender, string> = { mock: mock.ready.url, bare: bare.ready.url, prism: prism.url }
    const pids: Record<Contender, number> = { mock: mock.process.pid!, bare: bare.process.pid!, prism: prism.process.pid! }
    const paths: Record<Endpoint, string> = { list: listPath, get: getPath }

    const bytes: Record<string, number> = {}
    for (const c of ["bare", "prism"] as const) {
      for (const e of ["list", "get"] as const) {
        const r = await loadgen.call<{ status: number; body: string }>("get", { url: urls[c] + paths[e], headers: Servers.authHeaders })
        if (r.status !== 200) throw new Error(`${c} answered ${r.status} on ${paths[e]}`)
        bytes[`${c} ${e}`] = Buffer.byteLength(r.body)
      }
    }
    bytes["mock list"] = Buffer.byteLength(list.body)
    bytes["mock get"] = Buffer.byteLength(get.body)

    const failures: Array<string> = []
    const cpu = { list: { mock: [], bare: [], prism: [] }, get: { mock: [], bare: [], prism: [] } } as Record<Endpoint, Record<Contender, Array<number>>>
    const measure = (endpoint: Endpoint, seconds: number) => async (c: Contender) => {
      const before = await Servers.cpuSeconds(pids[c])
      const r = await load(loadgen, { url: urls[c], paths: [paths[endpoint]], headers: Servers.authHeaders, connections: settings.connections, seconds })
      const perResponse = ((await Servers.cpuSeconds(pids[c])) - before) * 1e6 / r.total
      if (r.errors + r.non2xx > 0) failures.push(`${c} ${endpoint}: ${r.errors} errors, ${r.non2xx} non-2xx`)
      cpu[endpoint][c].push(perResponse)
      log(`  ${endpoint} ${c}: ${Stats.format(r.rps)} req/s, ${Stats.format(perResponse)} µs CPU per response`)
      return r.rps
    }
    const contenders: ReadonlyArray<Contender> = ["mock", "bare", "prism"]
    log("throughput: warm-up")
    for (const e of ["list", "get"] as const) for (const c of contenders) await measure(e, settings.warmup)(c).then(() => new Promise((r) => setTimeout(r, SETTLE_MS)))
    failures.length = 0
    for (const e of ["list", "get"] as const) for (const c of contenders) cpu[e][c].length = 0
    const results = {} as Record<Endpoint, Record<Contender, Array<number>>>
    for (const e of ["list", "get"] as const) {
      log(`throughput: ${e}, ${settings.rounds} rounds × ${settings.seconds} s`)
      results[e] = await alternate(settings.rounds, contenders, measure(e, settings.seconds), SETTLE_MS)
    }
    await prism.stop()
    log("throughput: in-process breakdown")
    const breakdown = await mock.call<Mock.BreakdownResult>("breakdown", {
      requests: [{ name: "list", path: listPath, body: list.body }, { name: "get", path: getPath, body: get.body }],
      headers: Servers.authHeaders,
      iterations: settings.mode === "quick" ? 1_000 : 3_000,
      rounds: settings.rounds
    } satisfies Mock.BreakdownArgs)

    const changes = await measureChanges(context, track)

    const ratio = (e: Endpoint, other: Contender) => Stats.ratioOfMedians(results[e].mock, results[e][other])
    const rows = (e: Endpoint) =>
      contenders.map((c) => [
        `${c} ${e}`,
        `${Stats.format(bytes[`${c} ${e}`]!)} B`,
        results[e][c].map((x) => Stats.format(x)).join(", "),
        Stats.format(Stats.median(results[e][c])),
        Stats.format(Stats.median(cpu[e][c]))
      ])
    const table: Report.Table = {
      headers: ["contender", "body", "req/s per round", "median req/s", "server CPU µs per response (median)"],
      rows: [...rows("list"), ...rows("get")]
    }
    const tool = `${autocannonVersion}, ${settings.connections} connections, ${settings.rounds} rounds × ${settings.seconds} s per contender ` +
      `(after ${settings.warmup} s of warm-up each), 2 s pause between runs; Prism ${Servers.prismVersion} (\`prism mock\`, static examples, \`-v error\`).`
    const method =
      `\`GET ${listPath}\` and \`GET /api/v2/public/execution/:id\` with \`x-api-key\` and \`linked_account_id\` headers, against three ` +
      "servers running at once, each in its own process: the mock (`createMockApp` + `serve` over the bundled data set, from `dist`), " +
      "a bare Hono app on `@hono/node-server` answering each route with the mock's own response body as a constant string, and Prism " +
      "mocking `packages/contract/openapi.json`. Requests per second = completed responses / run length; the ratio is of medians over rounds."
    const failureNote = failures.length === 0 ? "No errors and no non-2xx responses in any measured run." : `Failures: ${failures.join("; ")}.`

    const t1List = ratio("list", "bare")
    const t1Get = ratio("get", "bare")
    const t2List = ratio("list", "prism")
    const t2Get = ratio("get", "prism")
    const section1: Report.Section = {
      id: "1",
      title: "Mock throughput vs a bare Hono app",
      method,
      tool,
      tables: [
        table,
        changes.table,
        {
          caption:
            "**Where the mock's time goes, in-process.** The same two requests, answered without a socket inside the mock's process " +
            "(`app.fetch(new Request(...))`, sequentially), by apps with more and more of the mock; CPU time per request " +
            "(`process.cpuUsage`), median of the rounds. Over HTTP, Node's own parsing and writing add the same cost to every row.",
          headers: ["app", "list: CPU µs per request", "get: CPU µs per request"],
          rows: Object.entries(breakdown).map(([variant, r]) => [variant, Stats.format(r["list"]!, 1), Stats.format(r["get"]!, 1)])
        }
      ],
      targets: [
        { name: "list: mock / bare Hono", goal: "≥ 0.70×", measured: Stats.times(t1List), met: t1List >= 0.7 },
        { name: "get: mock / bare Hono", goal: "≥ 0.80×", measured: Stats.times(t1Get), met: t1Get >= 0.8 }
      ],
      notes: [
        failureNote,
        changes.note,
        "CPU per response (user + system time of the server process from `/proc/<pid>/stat` over a run, divided by its responses) " +
          "does not depend on how much of the shared machine the server got, so it cross-checks the request rates: bare / mock CPU per " +
          `response is ${Stats.times(Stats.ratioOfMedians(cpu.list.bare, cpu.list.mock))} on list and ` +
          `${Stats.times(Stats.ratioOfMedians(cpu.get.bare, cpu.get.mock))} on get.`
      ]
    }
    const section2: Report.Section = {
      id: "2",
      title: "Mock throughput vs Prism",
      method: `${method} Prism answers its static example (one document per page, no filtering); the mock computes the real filtered page.`,
      tool,
      tables: [
        {
          headers: ["endpoint", "mock median req/s", "Prism median req/s", "mock / Prism"],
          rows: (["list", "get"] as const).map((e) => [
            e,
            Stats.format(Stats.median(results[e].mock)),
            Stats.format(Stats.median(results[e].prism)),
            Stats.times(ratio(e, "prism"), 1)
          ])
        }
      ],
      notes: [
        `Prism's CPU per response against the mock's: ${Stats.times(Stats.ratioOfMedians(cpu.list.prism, cpu.list.mock), 1)} on list, ` +
          `${Stats.times(Stats.ratioOfMedians(cpu.get.prism, cpu.get.mock), 1)} on get.`
      ],
      targets: [
        { name: "list: mock / Prism", goal: "≥ 5×", measured: Stats.times(t2List, 1), met: t2List >= 5 },
        { name: "get: mock / Prism", goal: "≥ 5×", measured: Stats.times(t2Get, 1), met: t2Get >= 5 }
      ]
    }
    if (settings.profile) {
      const profiles: Array<string> = []
      if (!(t1List >= 0.7) || !(t2List >= 5)) profiles.push(await profileMock(context, `the mock under \`GET ${listPath}\``, [listPath], Servers.authHeaders))
      if (!(t1Get >= 0.8) || !(t2Get >= 5)) profiles.push(await profileMock(context, "the mock under `GET /api/v2/public/execution/:id`", [getPath], Servers.authHeaders))
      if (profiles.length > 0) return [{ ...section1, profiles }, section2]
    }
    return [section1, section2]
  })
}
