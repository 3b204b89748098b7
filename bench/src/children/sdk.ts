/**
 * Child: a client of the mock, through the built SDK or through bare `fetch`. Closed-loop
 * throughput of `get` (SDK, Promise facade, raw `fetch` + `JSON.parse`), heap growth over a long
 * `stream`, and the wall time of a `stream` walk.
 */
import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { Execution, Guard } from "@refold-effect/contract"
import { Executions, RefoldAuth, RefoldConfig, type WalkParams } from "@refold-effect/sdk"
import { createRefoldClient } from "@refold-effect/sdk/promise"
import { Effect, Either, Layer, ManagedRuntime, Schema, Stream } from "effect"
import * as Child from "../Child.js"

/** Where the client sends requests, as whom. */
export interface Target {
  readonly url: string
  readonly apiKey: string
  readonly account: string
  /** Sent as `Prefer` on every request (the mock's scenarios, such as `delay=20`). */
  readonly prefer?: string | undefined
}

/**
 * The SDK's `Executions` for a target, through the platform's `FetchHttpClient` as the
 * application's `HttpClient` (with a `fetch` that adds the target's `Prefer` header, if any), and
 * that same `HttpClient` for the bare reference.
 */
const runtimeFor = (target: Target) => {
  const prefer = target.prefer
  // The mock's scenario header on every request, added by the `fetch` the client calls.
  const given: typeof fetch = prefer === undefined
    ? (input, init) => fetch(input, init)
    : (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), prefer } })
  const http = Layer.provide(FetchHttpClient.layer, Layer.succeed(FetchHttpClient.Fetch, given))
  return ManagedRuntime.make(
    Executions.layer.pipe(
      Layer.provideMerge(
        Layer.mergeAll(
          Layer.orDie(RefoldAuth.apiKey({ apiKey: target.apiKey, linkedAccountId: target.account })),
          Layer.orDie(RefoldConfig.layer({ baseUrl: target.url })),
          http
        )
      )
    )
  )
}

/** A closed-loop run of `get`. */
export interface ThroughputArgs extends Target {
  readonly mode: "sdk" | "bare" | "promise" | "raw"
  readonly id: string
  readonly concurrency: number
  readonly seconds: number
  /** Stop after this many calls (`sdk` and `bare` modes), if before `seconds` have passed. */
  readonly amount?: number | undefined
}

/** Completed and failed calls of a run, and its length. */
export interface ThroughputResult {
  readonly ok: number
  readonly failed: number
  readonly seconds: number
}

const closedLoop = async (concurrency: number, seconds: number, call: () => Promise<unknown>): Promise<ThroughputResult> => {
  const t0 = performance.now()
  const deadline = t0 + seconds * 1000
  let ok = 0
  let failed = 0
  const worker = async () => {
    while (performance.now() < deadline) {
      try {
        await call()
        ok++
      } catch {
        failed++
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { ok, failed, seconds: (performance.now() - t0) / 1000 }
}

const throughput = async (args: ThroughputArgs): Promise<ThroughputResult> => {
  switch (args.mode) {
    case "raw": {
      const url = `${args.url}/api/v2/public/execution/${encodeURIComponent(args.id)}`
      const headers = { "x-api-key": args.apiKey, linked_account_id: args.account, accept: "application/json" }
      return closedLoop(args.concurrency, args.seconds, async () => {
        const response = await fetch(url, { headers })
        const body: unknown = JSON.parse(await response.text())
        if (!response.ok) throw new Error(`HTTP ${response.status}`)
        return body
      })
    }
    case "promise": {
      const client = createRefoldClient({ apiKey: args.apiKey, linkedAccountId: args.account, baseUrl: args.url })
      try {
        return await closedLoop(args.concurrency, args.seconds, () => client.executions.get(args.id))
      } finally {
        await client.close()
      }
    }
    case "bare":
    case "sdk": {
      // The Effect way: `concurrency` fibers, each calling `get` (or, bare, the same `HttpClient`'s
      // `execute` + `text` + `JSON.parse` of the same request) until the deadline.
      const runtime = runtimeFor(args)
      try {
        return await runtime.runPromise(
          Effect.gen(function*() {
            const sdk = yield* Executions
            const client = yield* HttpClient.HttpClient
            const url = `${args.url}/api/v2/public/execution/${encodeURIComponent(args.id)}`
            const request = HttpClientRequest.get(url, {
              headers: { "x-api-key": args.apiKey, linked_account_id: args.account, accept: "application/json" }
            })
            const bare = Effect.flatMap(client.execute(request), (response) =>
              Effect.flatMap(response.text, (text) => Effect.sync((): unknown => JSON.parse(text))))
            const executions = { get: (id: string) => (args.mode === "sdk" ? sdk.get(id) : bare) as Effect.Effect<unknown, unknown> }
            const t0 = performance.now()
            const deadline = t0 + args.seconds * 1000
            const amount = args.amount ?? Number.POSITIVE_INFINITY
            let ok = 0
            let failed = 0
            const worker = Effect.whileLoop({
              while: () => performance.now() < deadline && ok + failed < amount,
              body: () => Effect.either(executions.get(args.id)),
              step: (r) => {
                if (Either.isRight(r)) ok++
                else failed++
              }
            })
            yield* Effect.all(Array.from({ length: args.concurrency }, () => worker), { concurrency: "unbounded", discard: true })
            return { ok, failed, seconds: (performance.now() - t0) / 1000 }
          })
        )
      } finally {
        await runtime.dispose()
      }
    }
  }
}

/** A `stream` walk. */
export interface WalkArgs extends Target {
  readonly limit: number
  readonly maxPages?: number | undefined
  /** More stream options (such as `readAhead`). */
  readonly options?: WalkParams | undefined
  /** Sample the heap after a full GC every this many executions (0: never). */
  readonly sampleEvery: number
}

/** What a walk saw: executions (and distinct ids), wall time, heap growth over the start. */
export interface WalkResult {
  readonly count: number
  /** Distinct ids (only when the heap is not sampled, since keeping the ids costs heap). */
  readonly distinct?: number | undefined
  readonly ms: number
  /** Largest heap growth after GC at a sample, and after the walk. */
  readonly maxGrowth: number
  readonly endGrowth: number
  readonly samples: ReadonlyArray<number>
}

const walk = async (args: WalkArgs): Promise<WalkResult> => {
  const runtime = runtimeFor(args)
  try {
    await runtime.runPromise(Executions) // build the layer before the baseline
    const baseline = Child.memory(true).heapUsed
    const samples: Array<number> = []
    // Ids are kept only for the check, and only as a count when sampling the heap.
    const ids = args.sampleEvery === 0 ? new Set<string>() : undefined
    let count = 0
    const t0 = performance.now()
    await runtime.runPromise(
      Effect.flatMap(Executions, (executions) =>
        Stream.runForEach(
          executions.stream({ limit: args.limit, maxPages: args.maxPages, ...args.options }),
          (execution) =>
            Effect.sync(() => {
              count++
              ids?.add(execution._id)
              if (args.sampleEvery > 0 && count % args.sampleEvery === 0) samples.push(Child.memory(true).heapUsed - baseline)
            })
        ))
    )
    const ms = performance.now() - t0
    const endGrowth = Child.memory(true).heapUsed - baseline
    return { count, distinct: ids?.size, ms, maxGrowth: Math.max(endGrowth, ...samples), endGrowth, samples }
  } finally {
    await runtime.dispose()
  }
}

/** Pages fetched with bare `fetch`, `concurrency` at a time: the reference for read-ahead. */
export interface RawWalkArgs extends Target {
  readonly limit: number
  readonly pages: number
  readonly concurrency: number
}

const rawWalk = async (args: RawWalkArgs): Promise<{ readonly ms: number; readonly count: number }> => {
  const headers = { "x-api-key": args.apiKey, linked_account_id: args.account, ...(args.prefer === undefined ? {} : { prefer: args.prefer }) }
  const t0 = performance.now()
  let count = 0
  for (let first = 1; first <= args.pages; first += args.concurrency) {
    const batch = Array.from({ length: Math.min(args.concurrency, args.pages - first + 1) }, async (_, i) => {
      const response = await fetch(`${args.url}/api/v2/public/execution?limit=${args.limit}&page=${first + i}`, { headers })
      return (JSON.parse(await response.text()) as { docs: ReadonlyArray<unknown> }).docs.length
    })
    for (const n of await Promise.all(batch)) count += n
  }
  return { ms: performance.now() - t0, count }
}

/** The layers of an SDK call, each timed alone (sequential calls, CPU time). */
export interface BreakdownArgs extends Target {
  readonly id: string
  readonly calls: number
  readonly rounds: number
}

const breakdown = async (args: BreakdownArgs): Promise<Record<string, number>> => {
  const runtime = runtimeFor(args)
  try {
    const executions = await runtime.runPromise(Executions)
    const client = await runtime.runPromise(HttpClient.HttpClient)
    const untraced = client.pipe(HttpClient.withTracerDisabledWhen(() => true))
    const url = `${args.url}/api/v2/public/execution/${encodeURIComponent(args.id)}`
    const headers = { "x-api-key": args.apiKey, linked_account_id: args.account, accept: "application/json" }
    const request = HttpClientRequest.get(url).pipe(HttpClientRequest.setHeaders(headers))
    const decode = Schema.decodeUnknownSync(Execution.Detail)
    const guard = Guard.compile(Execution.Detail)
    const body = await (await fetch(url, { headers })).text()
    const paths: Record<string, () => Promise<unknown>> = {
      "raw `fetch` + `JSON.parse`": async () => JSON.parse(await (await fetch(url, { headers })).text()),
      "`FetchHttpClient` `execute` + `text`": () => Effect.runPromise(Effect.flatMap(client.execute(request), (r) => r.text)),
      "the same, platform span off (`withTracerDisabledWhen`)": () => Effect.runPromise(Effect.flatMap(untraced.execute(request), (r) => r.text)),
      "the same, span off, plus `Effect.timeout` per call": () =>
        Effect.runPromise(Effect.flatMap(untraced.execute(request), (r) => r.text).pipe(Effect.timeout("20 seconds"))),
      "SDK `Executions.get` through that `FetchHttpClient`": () => runtime.runPromise(executions.get(args.id)),
      "`JSON.parse` + `Schema` decode of the detail alone (no request)": async () => decode(JSON.parse(body)),
      "`JSON.parse` + the contract's compiled `Guard` alone (what the SDK runs)": async () => guard(JSON.parse(body))
    }
    const samples: Record<string, Array<number>> = {}
    for (let round = 0; round <= args.rounds; round++) {
      for (const [name, call] of Object.entries(paths)) {
        const start = process.cpuUsage()
        for (let i = 0; i < args.calls; i++) await call()
        const used = process.cpuUsage(start)
        if (round > 0) (samples[name] ??= []).push((used.user + used.system) / args.calls)
      }
    }
    const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    return Object.fromEntries(Object.entries(samples).map(([name, xs]) => [name, median(xs)]))
  } finally {
    await runtime.dispose()
  }
}

Child.serve({}, { throughput, walk, rawWalk, breakdown })
