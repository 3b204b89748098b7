/**
 * Child: the mock server (`createMockApp` + `serve` from the built `@refold-effect/mock`) over a
 * data set: the bundled one, a generated one, or a directory. Reports its URL, the data set's size,
 * how long loading took and the heap it holds; answers `memory` with `process.memoryUsage()`.
 */
import { DataSet, type Fixture } from "@refold-effect/fixtures"
import { createMockApp, handler, serve } from "@refold-effect/mock"
import { Hono } from "hono"
import * as DiagnosticsChannel from "node:diagnostics_channel"
import * as Child from "../Child.js"
import * as Living from "../Living.js"

/** Where the data comes from. */
export type Data =
  | { readonly kind: "bundled" }
  | { readonly kind: "generate"; readonly size: number; readonly seed: number; readonly accounts?: number }
  | { readonly kind: "dir"; readonly dir: string }
  /** The bundled data set plus `running` executions kept running on a clock of this speed (see `Living`). */
  | { readonly kind: "living"; readonly running: number; readonly clockSpeed: number }

/** The child's argument. */
export interface Args {
  readonly data: Data
}

/** What the child reports once listening. */
export interface Ready {
  readonly url: string
  readonly size: number
  readonly loadMs: number
  /** Heap used (after GC) before loading and after building the app. */
  readonly heapBefore: number
  readonly heapAfter: number
}

const load = (data: Data): Fixture.DataSet => {
  switch (data.kind) {
    case "bundled":
      return DataSet.bundled()
    case "generate":
      return DataSet.generate({ size: data.size, seed: data.seed, accounts: data.accounts, anchor: DataSet.bundledAnchor })
    case "dir":
      return DataSet.load(data.dir)
    case "living":
      return Living.bundledWith(data.running)
  }
}

/** The in-process breakdown: the same request through apps with more and more of the mock. */
export interface BreakdownArgs {
  /** Path and query, with the constant body a bare app answers it with. */
  readonly requests: ReadonlyArray<{ readonly name: string; readonly path: string; readonly body: string }>
  readonly headers: Record<string, string>
  readonly iterations: number
  readonly rounds: number
}

/**
 * What the server saw since the last `trafficReset`, from Node's own diagnostics channels: when it
 * accepted each connection (ms after the reset), and how many requests it received and answered.
 */
export interface Traffic {
  readonly accepted: ReadonlyArray<number>
  readonly received: number
  readonly answered: number
}

let counting = false
let since = 0
let accepted: Array<number> = []
let received = 0
let answered = 0
const onSocket = () => {
  if (accepted.length < 1_000_000) accepted.push(performance.now() - since)
}
const onRequest = () => {
  received++
}
const onFinish = () => {
  answered++
}

/**
 * Starts counting (again). Until the first call nothing is subscribed, so the mock of the other
 * figures pays nothing for it: Node builds a message per request only for a channel with subscribers.
 */
const trafficReset = () => {
  since = performance.now()
  accepted = []
  received = 0
  answered = 0
  if (counting) return
  counting = true
  DiagnosticsChannel.subscribe("net.server.socket", onSocket)
  DiagnosticsChannel.subscribe("http.server.request.start", onRequest)
  DiagnosticsChannel.subscribe("http.server.response.finish", onFinish)
}

/** Per variant and request, the median CPU microseconds of one in-process request. */
export type BreakdownResult = Record<string, Record<string, number>>

const { data } = Child.args<Args>()
const heapBefore = Child.memory(true).heapUsed
const t0 = performance.now()
const mock = createMockApp({ data: load(data), clock: { speed: data.kind === "living" ? data.clockSpeed : 1 } })
const loadMs = performance.now() - t0
const restarts = data.kind === "living" ? Living.keepRunning(mock) : () => 0
const server = await serve(mock, { port: 0 })
const ready: Ready = { url: server.url, size: mock.store.size, loadMs, heapBefore, heapAfter: Child.memory(true).heapUsed }

Child.serve(
  ready,
  {
    memory: (args: { readonly collect: boolean }) => Child.memory(args.collect),
    clock: () => ({ ...mock.clock.snapshot(), running: mock.lifecycle.size(), restarts: restarts() }),
    trafficReset,
    traffic: (): Traffic => ({ accepted, received, answered }),
    breakdown: async (args: BreakdownArgs): Promise<BreakdownResult> => {
      const bare = new Hono({ strict: false })
      const route = (path: string) => path.replace(/\?.*$/, "").replace(/\/[^/]+$/, (last) => (last === "/execution" ? last : "/:id"))
      for (const r of args.requests) bare.get(route(r.path), (c) => c.body(r.body, 200, { "content-type": "application/json; charset=utf-8" }))
      const store = mock.store
      const quiet = createMockApp({ data: { accounts: store.accounts, apiKeys: store.apiKeys, executions: store.executions() }, journal: 0 })
      const served = handler(mock)
      const variants: Record<string, (request: Request) => Response | Promise<Response>> = {
        "bare Hono app, constant body": (request) => bare.fetch(request),
        "mock `app.fetch`, journal off": (request) => quiet.app.fetch(request),
        "mock `app.fetch`": (request) => mock.app.fetch(request),
        "mock `handler` (as served)": (request) => served(request)
      }
      const samples: Record<string, Record<string, Array<number>>> = {}
      for (let round = 0; round < args.rounds + 1; round++) {
        for (const [variant, fetch] of Object.entries(variants)) {
          for (const r of args.requests) {
            const url = `http://127.0.0.1${r.path}`
            const start = process.cpuUsage()
            for (let i = 0; i < args.iterations; i++) {
              const response = await fetch(new Request(url, { headers: args.headers }))
              if (response.status !== 200) throw new Error(`${variant} answered ${response.status} to ${r.path}`)
            }
            const used = process.cpuUsage(start)
            // Round 0 warms up.
            if (round > 0) ((samples[variant] ??= {})[r.name] ??= []).push((used.user + used.system) / args.iterations)
          }
        }
      }
      const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
      return Object.fromEntries(Object.entries(samples).map(([v, byRequest]) => [v, Object.fromEntries(Object.entries(byRequest).map(([n, xs]) => [n, median(xs)]))]))
    }
  },
  () => server.close()
)
