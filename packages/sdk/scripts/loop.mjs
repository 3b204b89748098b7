// A loop of `get`s for profiling, as figure 5 runs them (CONCURRENCY fibers in one `runPromise`),
// through the BUILT SDK (`pnpm turbo run build --filter=@refold-effect/sdk...` first) and plain
// Node (no loader in the profile). MODE=sdk|bare|both, TRANSPORT=memory|tcp, N calls per round,
// ROUNDS (alternating, CPU per call medians printed).
// Profile: node --cpu-prof --cpu-prof-dir=/tmp/prof scripts/loop.mjs, then scripts/diff.mjs.
import { spawn } from "node:child_process"
import v8 from "node:v8"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { Effect, Layer, ManagedRuntime } from "effect"
import * as Sdk from "../dist/index.js"

const apiKey = "tk_bench", account = "user_12345"
const headers = { "x-api-key": apiKey, linked_account_id: account, accept: "application/json" }
let url = "http://127.0.0.1:1"
let stop = () => {}
let given = globalThis.fetch
if (process.env.TRANSPORT === "tcp") {
  const child = spawn(process.execPath, ["--conditions=@refold-effect/source", "--import", "tsx", new URL("./mock-server.ts", import.meta.url).pathname], {
    stdio: ["ignore", "pipe", "inherit"]
  })
  url = await new Promise((resolve) => child.stdout.once("data", (d) => resolve(String(d).trim())))
  stop = () => child.kill()
} else {
  // One answer of the mock, which is then let go: its data set would weigh on every GC.
  const answerOf = async () => {
    const { createMockApp } = await import("@refold-effect/mock")
    const mock = createMockApp({ journal: 0 })
    const first = await (await mock.fetch(new Request(`${url}/api/v2/public/execution?limit=1`, { headers }))).json()
    return (await mock.fetch(new Request(`${url}/api/v2/public/execution/${first.docs[0]._id}`, { headers }))).text()
  }
  const body = await answerOf()
  const answer = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), "x-request-id": "req-1" }
  given = async () => new Response(body, { headers: answer })
}
const first = await (await given(`${url}/api/v2/public/execution?limit=1`, { headers })).json()
const id = process.env.TRANSPORT === "tcp" ? first.docs[0]._id : "x1"
const runtimeOf = (sdk) => ManagedRuntime.make(sdk.Executions.layer.pipe(Layer.provideMerge(Layer.mergeAll(
  Layer.orDie(sdk.RefoldAuth.apiKey({ apiKey, linkedAccountId: account })),
  Layer.orDie(sdk.RefoldConfig.layer({ baseUrl: url })),
  Layer.provide(FetchHttpClient.layer, Layer.succeed(FetchHttpClient.Fetch, given))
))))
const runtime = runtimeOf(Sdk)
const executions = await runtime.runPromise(Sdk.Executions)
// BEFORE=dir: another build of the SDK (a copy of `dist`), measured beside this one as "before";
// VARIANTS=name:dir,name:dir more of them.
const others = [
  ...(process.env.BEFORE === undefined ? [] : [["before", process.env.BEFORE]]),
  ...(process.env.VARIANTS ?? "").split(",").filter((v) => v !== "").map((v) => v.split(":"))
]
const variants = []
for (const [name, dir] of others) {
  const sdk = await import(`${dir}/index.js`)
  const on = runtimeOf(sdk)
  variants.push({ name, on, executions: await on.runPromise(sdk.Executions) })
}
const client = await runtime.runPromise(HttpClient.HttpClient)
const request = HttpClientRequest.get(`${url}/api/v2/public/execution/${encodeURIComponent(id)}`, { headers })
const bare = Effect.flatMap(client.execute(request), (response) => Effect.flatMap(response.text, (text) => Effect.sync(() => JSON.parse(text))))
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 10), N = Number(process.env.N ?? 2000), ROUNDS = Number(process.env.ROUNDS ?? 10)
const loop = (call, on = runtime, around = (effect) => effect) => (n) =>
  on.runPromise(around(Effect.all(
    Array.from({ length: CONCURRENCY }, () => Effect.repeatN(Effect.orDie(call()), Math.ceil(n / CONCURRENCY) - 1)),
    { concurrency: "unbounded", discard: true }
  )))
const mode = process.env.MODE ?? "both"
const paths = {}
if (mode === "bare" || mode === "both") paths.bare = loop(() => bare)
// MANUAL=1: the bare call with fetch told `redirect: "manual"` (given once around the loop), as the SDK tells it.
if (process.env.MANUAL) paths.manual = loop(() => bare, runtime, (effect) => Effect.provideService(effect, FetchHttpClient.RequestInit, { redirect: "manual" }))
if (mode === "sdk" || mode === "both") paths.sdk = loop(() => executions.get(id))
for (const v of variants) paths[v.name] = loop(() => v.executions.get(id), v.on)
// HEAP=file: an allocation profile of the whole run (every allocation sampled, collected or not).
const session = process.env.HEAP === undefined ? undefined : new (await import("node:inspector")).Session()
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))))
if (session !== undefined) {
  session.connect()
  await post("HeapProfiler.startSampling", { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
}
const samples = {}
for (let round = 0; round <= ROUNDS; round++) {
  const order = Object.entries(paths)
  if (round % 2 === 1) order.reverse()
  for (const [name, run] of order) {
    // ALLOC=1: heap bytes allocated per call instead of CPU (run with a young generation large
    // enough that no GC happens within a round: --min-semi-space-size=256 --max-semi-space-size=256 --expose-gc).
    if (process.env.ALLOC) globalThis.gc()
    const heap = process.env.ALLOC ? v8.getHeapStatistics().used_heap_size : 0
    const start = process.cpuUsage()
    await run(N)
    const used = process.cpuUsage(start)
    const value = process.env.ALLOC ? (v8.getHeapStatistics().used_heap_size - heap) : used.user + used.system
    if (round > 0) (samples[name] ??= []).push(value / N)
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
for (const [name, xs] of Object.entries(samples)) console.log(`${name.padEnd(6)} ${median(xs).toFixed(1).padStart(7)} ${process.env.ALLOC ? "bytes" : "µs CPU"}/call`)
for (const name of Object.keys(samples)) {
  if (name === "bare") continue
  if (samples.bare === undefined || samples[name] === undefined) continue
  const ratios = samples[name].map((x, i) => x / samples.bare[i])
  // The least disturbed round of each (a shared machine only ever adds time).
  const least = Math.min(...samples[name]) / Math.min(...samples.bare)
  console.log(`${name}/bare ${(median(samples[name]) / median(samples.bare)).toFixed(3)}x, paired ${median(ratios).toFixed(3)}x, minima ${least.toFixed(3)}x`)
}
if (session !== undefined) {
  const { profile } = await post("HeapProfiler.stopSampling")
  ;(await import("node:fs")).writeFileSync(process.env.HEAP, JSON.stringify(profile))
}
await runtime.dispose()
for (const v of variants) await v.on.dispose()
stop()
