// The overhead figure of bench figure 5, side by side: CPU per call of an SDK `get` through
// `FetchHttpClient` over that same client's bare `execute` + `text` + `JSON.parse`, in one process,
// many alternating rounds, medians. Each round runs CONCURRENCY fibers in one `runPromise` (as the
// bench does). Env: N (calls per round), ROUNDS, CONCURRENCY, TRANSPORT=tcp|memory (the mock over
// TCP in a child process, or its `fetch` in process), BEFORE=dir (another copy of `src` to compare).
// Run from packages/sdk: node --conditions=@refold-effect/source --import tsx scripts/ratio.ts
import { spawn } from "node:child_process"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { createMockApp } from "@refold-effect/mock"
import { Effect, Layer, ManagedRuntime } from "effect"
import * as Sdk from "../src/index.js"
import * as Exchange from "../src/internal/exchange.js"
import * as Transport from "../src/internal/transport.js"
import { Execution } from "@refold-effect/contract"

const apiKey = "tk_bench", account = "user_12345"
const headers = { "x-api-key": apiKey, linked_account_id: account, accept: "application/json" }
const memory = process.env.TRANSPORT === "memory"
let url = "http://127.0.0.1:1"
let stop = () => {}
let given: typeof fetch = globalThis.fetch
if (memory) {
  const mock = createMockApp({ journal: 0 })
  // With the content-length a server's framing would give (the SDK reads such a body at once).
  given = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await mock.fetch(new Request(input, init))
    const body = await response.text()
    const headers = new Headers(response.headers)
    headers.set("content-length", String(Buffer.byteLength(body)))
    return new Response(body, { status: response.status, headers })
  }) as typeof fetch
} else {
  const child = spawn(process.execPath, ["--conditions=@refold-effect/source", "--import", "tsx", new URL("./mock-server.ts", import.meta.url).pathname], {
    stdio: ["ignore", "pipe", "inherit"]
  })
  url = await new Promise((resolve) => child.stdout.once("data", (d) => resolve(String(d).trim())))
  stop = () => child.kill()
}
const first = (await (await given(`${url}/api/v2/public/execution?limit=1`, { headers })).json()) as { docs: Array<{ _id: string }> }
const id = first.docs[0]!._id
const http = Layer.provide(FetchHttpClient.layer, Layer.succeed(FetchHttpClient.Fetch, given))

type SdkModule = typeof Sdk
const runtimeOf = (sdk: SdkModule) =>
  ManagedRuntime.make(sdk.Executions.layer.pipe(Layer.provideMerge(Layer.mergeAll(
    Layer.orDie(sdk.RefoldAuth.apiKey({ apiKey, linkedAccountId: account })),
    Layer.orDie(sdk.RefoldConfig.layer({ baseUrl: url })),
    http
  ))))

const modules: Record<string, SdkModule> = { sdk: Sdk }
if (process.env.BEFORE) modules.before = (await import(`${process.env.BEFORE}/index.ts`)) as SdkModule

const N = Number(process.env.N ?? 400), ROUNDS = Number(process.env.ROUNDS ?? 15), CONCURRENCY = Number(process.env.CONCURRENCY ?? 10)
const paths: Record<string, { run: (n: number) => Promise<void> }> = {}
const runtimes: Array<{ dispose: () => Promise<void> }> = []
for (const [name, sdk] of Object.entries(modules)) {
  const runtime = runtimeOf(sdk)
  runtimes.push(runtime)
  const executions = await runtime.runPromise(sdk.Executions)
  const client = await runtime.runPromise(HttpClient.HttpClient)
  const request = HttpClientRequest.get(`${url}/api/v2/public/execution/${encodeURIComponent(id)}`, { headers })
  const bare = Effect.flatMap(client.execute(request), (response) => Effect.flatMap(response.text, (text) => Effect.sync((): unknown => JSON.parse(text))))
  const loop = (call: () => Effect.Effect<unknown, unknown>) => (n: number) =>
    runtime.runPromise(Effect.all(
      Array.from({ length: CONCURRENCY }, () => Effect.repeatN(Effect.orDie(call()), Math.ceil(n / CONCURRENCY) - 1)),
      { concurrency: "unbounded", discard: true }
    ))
  if (name === "sdk") paths.bare = { run: loop(() => bare) }
  if (name === "sdk" && process.env.PIECES) {
    const settings = await runtime.runPromise(sdk.RefoldConfig)
    const send = Exchange.make(client, settings.maxBodySize, (text) => text)
    const template = Exchange.template(headers)
    const outgoing = { method: "GET", url: `${url}/api/v2/public/execution/${encodeURIComponent(id)}` } as const
    const limit: Exchange.Limit = { millis: 20_000, onTimeout: () => { throw new Error("timeout") } }
    const transport = await runtime.runPromise(Transport.make)
    const decoder = Transport.decoder(Execution.Detail)
    const span = <A, E>(effect: Effect.Effect<A, E>) => Effect.withSpan(effect, "outer", { captureStackTrace: false })
    paths.exchange = { run: loop(() => span(send(outgoing, template, limit, undefined, { stop: undefined }, Effect.succeed))) }
    paths.request = { run: loop(() => span(transport.request({ method: "GET", path: `/api/v2/public/execution/${encodeURIComponent(id)}`, decoder }))) }
  }
  if (name === "sdk" && process.env.MANUAL) {
    const manual = Effect.provideService(bare, FetchHttpClient.RequestInit, { redirect: "manual" })
    paths.manual = { run: loop(() => manual) }
  }
  paths[name] = { run: loop(() => executions.get(id)) }
}

import diagnostics from "node:diagnostics_channel"
let connects = 0
diagnostics.subscribe("undici:client:connected", () => connects++)
const samples: Record<string, Array<number>> = {}
for (let round = 0; round <= ROUNDS; round++) {
  const order = Object.entries(paths)
  if (round % 2 === 1) order.reverse()
  for (const [name, path] of order) {
    if (process.env.ONLY !== undefined && name !== process.env.ONLY) continue
    const start = process.cpuUsage()
    await path.run(N)
    const used = process.cpuUsage(start)
    if (round > 0) (samples[name] ??= []).push((used.user + used.system) / N)
    if (process.env.CONNECTS) console.log(name, "connections", connects), connects = 0
  }
}
const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const bareMedian = samples.bare === undefined ? Number.NaN : median(samples.bare)
for (const [name, xs] of Object.entries(samples)) {
  console.log(`${name.padEnd(8)} ${median(xs).toFixed(1).padStart(7)} µs CPU/call  ${(median(xs) / bareMedian).toFixed(3)}x bare`)
}
// Per-round ratios, paired (same round): less sensitive to drifting load than a ratio of medians.
for (const name of Object.keys(samples)) {
  if (name === "bare" || samples.bare === undefined) continue
  const ratios = samples[name]!.map((x, i) => x / samples.bare![i]!)
  console.log(`${name.padEnd(8)} paired ratio median ${median(ratios).toFixed(3)}x`)
}
for (const runtime of runtimes) await runtime.dispose()
stop()
