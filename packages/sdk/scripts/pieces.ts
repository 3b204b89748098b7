// What each ingredient of an SDK `get` costs on top of a bare `execute` + `text` + `JSON.parse`,
// through `FetchHttpClient` over a `fetch` answering from memory (no network, so the client's
// own CPU stands out). Sequential calls in one `runPromise` per round, alternating rounds, medians.
// Env: N, ROUNDS, ONLY. Run from packages/sdk: node --conditions=@refold-effect/source --import tsx scripts/pieces.ts
import v8 from "node:v8"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { createMockApp } from "@refold-effect/mock"
import { Duration, Effect, Exit, Fiber, Layer, ManagedRuntime } from "effect"
import { Executions, RefoldAuth, RefoldConfig } from "../src/index.js"
import * as Exchange from "../src/internal/exchange.js"
import * as Retry from "../src/internal/retry.js"
import * as Transport from "../src/internal/transport.js"
import { Execution } from "@refold-effect/contract"

const apiKey = "tk_bench", account = "user_12345", url = "http://127.0.0.1:1"
const headers = { "x-api-key": apiKey, linked_account_id: account, accept: "application/json" }
const mock = createMockApp({ journal: 0 })
const first = (await (await mock.fetch(new Request(`${url}/api/v2/public/execution?limit=1`, { headers }))).json()) as { docs: Array<{ _id: string }> }
const id = first.docs[0]!._id
const body = await (await mock.fetch(new Request(`${url}/api/v2/public/execution/${id}`, { headers }))).text()
const answerHeaders = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), "x-request-id": "req-1" }
const given = (async () => new Response(body, { headers: answerHeaders })) as unknown as typeof fetch
const runtime = ManagedRuntime.make(Executions.layer.pipe(Layer.provideMerge(Layer.mergeAll(
  Layer.orDie(RefoldAuth.apiKey({ apiKey, linkedAccountId: account })),
  Layer.orDie(RefoldConfig.layer({ baseUrl: url })),
  Layer.provide(FetchHttpClient.layer, Layer.succeed(FetchHttpClient.Fetch, given))
))))
const executions = await runtime.runPromise(Executions)
const client = await runtime.runPromise(HttpClient.HttpClient)
const request = HttpClientRequest.get(`${url}/api/v2/public/execution/${id}`, { headers })
const bare = Effect.flatMap(client.execute(request), (r) => Effect.map(r.text, (t): unknown => JSON.parse(t)))
const init: RequestInit = { redirect: "manual" }
const settings = await runtime.runPromise(RefoldConfig)
const send = Exchange.make(client, settings.maxBodySize, (text) => text)
const template = Exchange.template(headers)
const outgoing = { method: "GET", url: `${url}/api/v2/public/execution/${id}` } as const
const limit: Exchange.Limit = { millis: 30_000, onTimeout: () => { throw new Error("t") } }
const transport = await runtime.runPromise(Transport.make)
const decoder = Transport.decoder(Execution.Detail)
// A timeout with one fiber: the work forked, awaited with a timer beside it.
const forkTimeout = <A, E>(self: Effect.Effect<A, E>, millis: number, onTimeout: () => E): Effect.Effect<A, E> =>
  Effect.flatMap(Effect.fork(self), (fiber) =>
    Effect.async<A, E>((resume) => {
      const handle = setTimeout(() => resume(Effect.zipRight(Fiber.interrupt(fiber), Effect.fail(onTimeout()))), millis)
      fiber.addObserver((exit) => {
        clearTimeout(handle)
        resume(exit)
      })
      return Effect.sync(() => clearTimeout(handle)).pipe(Effect.zipRight(Fiber.interrupt(fiber)))
    }))
const paths: Record<string, Effect.Effect<unknown, unknown>> = {
  "bare": bare,
  "+span": Effect.withSpan(bare, "x", { captureStackTrace: false }),
  "+timeoutFail": Effect.timeoutFail(bare, { duration: Duration.seconds(30), onTimeout: () => new Error("t") }),
  "+provide RequestInit": Effect.provideService(bare, FetchHttpClient.RequestInit, init),
  "+annotate x3": Effect.zipLeft(bare, Effect.annotateCurrentSpan({ a: 1, b: "2", c: "3" })),
  "+suspend+getWith": Effect.suspend(() => Effect.flatMap(Effect.clock, () => bare)),
  "+forkTimeout": forkTimeout(bare, 30_000, () => new Error("t")),
  "+fork+join": Effect.flatMap(Effect.fork(bare), Fiber.join),
  "exchange": Effect.suspend(() => send(outgoing, template, limit, undefined, { stop: undefined }, Effect.succeed)),
  "Retry.run(exchange)": Effect.suspend(() => Retry.run(settings, outgoing, (l) => send(outgoing, template, l, undefined, { stop: undefined }, Effect.succeed))),
  "Retry.run(bare)": Effect.suspend(() => Retry.run(settings, outgoing, () => Effect.orDie(bare))),
  "bare with guard": Effect.flatMap(client.execute(request), (r) => Effect.map(r.text, (t): unknown => decoder(t))),
  "transport.request": Effect.suspend(() => transport.request({ method: "GET", path: `/api/v2/public/execution/${id}`, decoder })),
  "sdk get": Effect.suspend(() => executions.get(id))
}
// Every path but the SDK's own operation runs in a span, as the SDK's requests do (annotating no span costs an exception).
for (const name of Object.keys(paths)) if (name !== "sdk get" && name !== "+span") paths[name] = Effect.withSpan(paths[name]!, "outer", { captureStackTrace: false })
const N = Number(process.env.N ?? 300), ROUNDS = Number(process.env.ROUNDS ?? 30)
// ALLOC=1: heap bytes allocated per call instead of CPU time, each run from an empty young
// generation large enough to hold it (node --expose-gc --min-semi-space-size=256 --max-semi-space-size=256).
const alloc = process.env.ALLOC !== undefined
const cpu = async (path: Effect.Effect<unknown, unknown>) => {
  if (alloc) (globalThis as unknown as { gc: () => void }).gc()
  const heap = alloc ? v8.getHeapStatistics().used_heap_size : 0
  const start = process.cpuUsage()
  await runtime.runPromise(Effect.repeatN(Effect.orDie(path), N - 1))
  const used = process.cpuUsage(start)
  return (alloc ? v8.getHeapStatistics().used_heap_size - heap : used.user + used.system) / N
}
// Each path right after a run of `bare`, paired: the difference per round, median over the rounds.
const diffs: Record<string, Array<number>> = {}
const bares: Array<number> = []
for (let round = 0; round <= ROUNDS; round++) {
  const order = Object.entries(paths).filter(([name]) => name !== "bare" && (process.env.ONLY === undefined || name.includes(process.env.ONLY)))
  if (round % 2 === 1) order.reverse()
  for (const [name, path] of order) {
    const b = await cpu(paths.bare!)
    const x = await cpu(path)
    if (round > 0) {
      bares.push(b)
      ;(diffs[name] ??= []).push(x - b)
    }
  }
}
const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const unit = alloc ? "bytes" : "µs"
console.log(`bare median ${median(bares).toFixed(1)} ${unit}`)
for (const [name, xs] of Object.entries(diffs)) console.log(`${name.padEnd(24)} +${median(xs).toFixed(1).padStart(6)} ${unit} (quartiles ${[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 4)]!.toFixed(0)}..${[...xs].sort((a, b) => a - b)[Math.floor(3 * xs.length / 4)]!.toFixed(0)})`)
await runtime.dispose()
