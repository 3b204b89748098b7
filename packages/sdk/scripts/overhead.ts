// The SDK's CPU per call without network: an HttpClient made with the platform's `HttpClient.make` (so
// its span and request handling run) answering from memory with bodies captured from the in-process
// mock; isolates client-side cost from the noise of a shared machine. Env: N, ONLY.
import { HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { createMockApp } from "@refold-effect/mock"
import { Effect, Layer, ManagedRuntime, Schema } from "effect"
import * as Retry from "../src/internal/retry.js"
import { Executions, RefoldAuth, RefoldConfig } from "../src/index.js"
import * as Transport from "../src/internal/transport.js"
import { Execution, Page } from "@refold-effect/contract"

const mock = createMockApp({ journal: 0 })
const headers = { "x-api-key": "tk_bench", linked_account_id: "user_12345" }
const base = "http://127.0.0.1:1"
const grab = async (path: string) => (await mock.fetch(new Request(`${base}${path}`, { headers }))).text()
const listBody = await grab("/api/v2/public/execution?limit=100")
const id: string = JSON.parse(listBody).docs[0]._id
const detailBody = await grab(`/api/v2/public/execution/${id}`)
const stub = HttpClient.make((request, url) =>
  Effect.sync(() =>
    HttpClientResponse.fromWeb(request, new Response(url.pathname.endsWith(id) ? detailBody : listBody, { headers: { "content-type": "application/json", "x-request-id": "req-1" } }))
  ))
const runtime = ManagedRuntime.make(Executions.layer.pipe(Layer.provide([
  RefoldAuth.apiKey({ apiKey: "tk_bench", linkedAccountId: "user_12345" }), RefoldConfig.layer({ baseUrl: base }),
  Layer.succeed(HttpClient.HttpClient, stub)
])))
const ex = await runtime.runPromise(Executions)
const transport = await runtime.runPromise(Effect.provide(Transport.make, Layer.mergeAll(RefoldAuth.apiKey({ apiKey: "tk_bench", linkedAccountId: "user_12345" }), RefoldConfig.layer({ baseUrl: base }), Layer.succeed(HttpClient.HttpClient, stub))))
const dec = Schema.decodeUnknownEither(Execution.Detail)
const settings = await runtime.runPromise(Effect.provide(RefoldConfig, RefoldConfig.layer({ baseUrl: base })))
const decList = Schema.decodeUnknownEither(Page.ExecutionPage)
const reqList = HttpClientRequest.get(`${base}/api/v2/public/execution?limit=100`).pipe(HttpClientRequest.setHeaders(headers))
const untraced = stub.pipe(HttpClient.withTracerDisabledWhen(() => true))
const req = HttpClientRequest.get(`${base}/api/v2/public/execution/${id}`).pipe(HttpClientRequest.setHeaders(headers))
const paths: Record<string, () => Promise<unknown>> = {
  "baseline new Response+JSON.parse": async () => JSON.parse(await new Response(detailBody).text()),
  "platform execute+text": () => Effect.runPromise(Effect.flatMap(stub.execute(req), (r) => r.text)),
  "platform untraced": () => Effect.runPromise(Effect.flatMap(untraced.execute(req), (r) => r.text)),
  "decode detail (hoisted)": async () => dec(JSON.parse(detailBody)),
  "decode detail (per call)": async () => Schema.decodeUnknownEither(Execution.Detail)(JSON.parse(detailBody)),
  "Retry.run(succeed)": () => Effect.runPromise(Retry.run(settings, { method: "GET", url: base }, Effect.succeed(1))),
  "Retry.run(execute+text)": () => Effect.runPromise(Retry.run(settings, { method: "GET", url: base }, Effect.orDie(Effect.flatMap(stub.execute(req), (r) => r.text)))),
  "list: JSON.parse+decode": async () => decList(JSON.parse(listBody)),
  "list: platform execute+text": () => Effect.runPromise(Effect.flatMap(stub.execute(reqList), (r) => r.text)),
  "list: execute+text+decode": () => Effect.runPromise(Effect.flatMap(stub.execute(reqList), (r) => Effect.map(r.text, (b) => decList(JSON.parse(b))))),
  "list: untraced execute+text+decode": () => Effect.runPromise(Effect.flatMap(untraced.execute(reqList), (r) => Effect.map(r.text, (b) => decList(JSON.parse(b))))),
  "list: transport.get Schema.Unknown": () => runtime.runPromise(transport.get(`/api/v2/public/execution`, { limit: "100" }, Schema.Unknown)),
  "list: transport.get": () => runtime.runPromise(transport.get(`/api/v2/public/execution`, { limit: "100" }, Page.ExecutionPage)),
  "runtime.runPromise(void)": () => runtime.runPromise(Effect.void),
  "transport.get": () => runtime.runPromise(transport.get(`/api/v2/public/execution/${id}`, {}, Execution.Detail)),
  "sdk get": () => runtime.runPromise(ex.get(id)),
  "sdk list100": () => runtime.runPromise(ex.list({ limit: 100 }))
}
const N = Number(process.env.N ?? 3000), ROUNDS = 5
const res: Record<string, number[]> = {}
for (let r = 0; r <= ROUNDS; r++) for (const [name, call] of Object.entries(paths)) {
  if (process.env.ONLY && !name.includes(process.env.ONLY)) continue
  const n = name.includes("list") ? N / 10 : N
  const s = process.cpuUsage()
  for (let i = 0; i < n; i++) await call()
  const u = process.cpuUsage(s)
  if (r > 0) (res[name] ??= []).push((u.user + u.system) / n)
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
for (const [k, v] of Object.entries(res)) console.log(`${k.padEnd(34)} ${med(v).toFixed(1).padStart(7)} µs CPU/call`)
await runtime.dispose()
