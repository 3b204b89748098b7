// CPU per sequential call against the mock in another process: raw fetch + JSON.parse, the SDK, and the
// platform client alone (traced, untraced, untraced + Effect.timeout). Env: N (calls per round), ROUNDS, ONLY (name filter).
// Run from packages/sdk: node --conditions=@refold-effect/source --import tsx scripts/measure.ts
// Profile: add --cpu-prof --cpu-prof-dir=/tmp/prof, then node scripts/aggregate.mjs /tmp/prof/<file> [top]
import { spawn } from "node:child_process"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { Effect, Layer, ManagedRuntime } from "effect"
import { Executions, RefoldAuth, RefoldConfig } from "../src/index.js"

const child = spawn(process.execPath, ["--conditions=@refold-effect/source", "--import", "tsx", new URL("./mock-server.ts", import.meta.url).pathname], { stdio: ["ignore", "pipe", "inherit"] })
const url: string = await new Promise((resolve) => child.stdout.once("data", (d) => resolve(String(d).trim())))
const apiKey = "tk_bench", account = "user_12345"
const headers = { "x-api-key": apiKey, linked_account_id: account, accept: "application/json" }
const listUrl = `${url}/api/v2/public/execution?limit=100`
const first = (await (await fetch(`${url}/api/v2/public/execution?limit=1`, { headers })).json()) as any
const id: string = first.docs[0]._id
const runtime = ManagedRuntime.make(Executions.layer.pipe(Layer.provide([
  RefoldAuth.apiKey({ apiKey, linkedAccountId: account }), RefoldConfig.layer({ baseUrl: url }), FetchHttpClient.layer
])))
const ex = await runtime.runPromise(Executions)
const client = await runtime.runPromise(Effect.provide(HttpClient.HttpClient, FetchHttpClient.layer))
const untraced = client.pipe(HttpClient.withTracerDisabledWhen(() => true))
const request = HttpClientRequest.get(`${url}/api/v2/public/execution/${id}`).pipe(HttpClientRequest.setHeaders(headers))
const only = process.env.ONLY
const paths: Record<string, () => Promise<unknown>> = {
  "raw get": async () => JSON.parse(await (await fetch(`${url}/api/v2/public/execution/${id}`, { headers })).text()),
  "sdk get": () => runtime.runPromise(ex.get(id)),
  "plat traced": () => Effect.runPromise(Effect.flatMap(client.execute(request), (r) => r.text)),
  "plat untraced": () => Effect.runPromise(Effect.flatMap(untraced.execute(request), (r) => r.text)),
  "plat untr+tmo": () => Effect.runPromise(Effect.flatMap(untraced.execute(request), (r) => r.text).pipe(Effect.timeout("20 seconds"))),
  "raw list100": async () => JSON.parse(await (await fetch(listUrl, { headers })).text()),
  "sdk list100": () => runtime.runPromise(ex.list({ limit: 100 }))
}
const N = Number(process.env.N ?? 1000), ROUNDS = Number(process.env.ROUNDS ?? 5)
const res: Record<string, number[]> = {}
for (let r = 0; r <= ROUNDS; r++) for (const [name, call] of Object.entries(paths)) {
  if (only && !name.includes(only)) continue
  const n = name.includes("list") ? N / 5 : N
  const s = process.cpuUsage(); const t = performance.now()
  for (let i = 0; i < n; i++) await call()
  const u = process.cpuUsage(s)
  if (r > 0) (res[name] ??= []).push((u.user + u.system) / n)
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
for (const [k, v] of Object.entries(res)) console.log(`${k.padEnd(14)} ${med(v).toFixed(0).padStart(6)} µs CPU/call`)
await runtime.dispose(); child.kill()
