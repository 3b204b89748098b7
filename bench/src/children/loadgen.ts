/**
 * Child: the load generator. `autocannon` runs (no pipelining) and sequential latency sampling
 * over one keep-alive connection, each reported as plain numbers.
 */
import autocannon from "autocannon"
import * as http from "node:http"
import * as Child from "../Child.js"

/** An autocannon run. */
export interface LoadArgs {
  readonly url: string
  /** Paths cycled through by every connection, each with the same headers. */
  readonly paths: ReadonlyArray<string>
  readonly headers: Record<string, string>
  readonly connections: number
  readonly seconds: number
  /** A fixed number of requests instead of a duration (`seconds` then only bounds the wait). */
  readonly amount?: number
  /** Per-request timeout in seconds (autocannon's default is 10). */
  readonly timeout?: number
  /** The method of every request (default GET); a POST is sent without a body. */
  readonly method?: "GET" | "POST"
}

/** What an autocannon run reports. */
export interface LoadResult {
  /** Mean requests per second (completed responses over the run). */
  readonly rps: number
  readonly total: number
  readonly errors: number
  readonly timeouts: number
  readonly non2xx: number
  readonly latencyP50: number
  readonly latencyP99: number
  readonly seconds: number
}

const load = async (args: LoadArgs): Promise<LoadResult> => {
  const result = await autocannon({
    url: args.url,
    connections: args.connections,
    pipelining: 1,
    ...(args.amount === undefined ? { duration: args.seconds } : { amount: args.amount }),
    timeout: args.timeout ?? 10,
    headers: args.headers,
    requests: args.paths.map((path) => ({ method: args.method ?? "GET", path }))
  })
  return {
    rps: result.requests.total / result.duration,
    total: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    seconds: result.duration
  }
}

/** Sequential latency sampling. */
export interface LatencyArgs {
  readonly url: string
  readonly paths: ReadonlyArray<string>
  readonly headers: Record<string, string>
}

/** Per path, the latency of one request in milliseconds, and its status. */
export interface LatencyResult {
  readonly ms: ReadonlyArray<number>
  readonly statuses: ReadonlyArray<number>
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })

const timed = (url: string, headers: Record<string, string>) =>
  new Promise<{ ms: number; status: number; body: string }>((resolve, reject) => {
    const t0 = process.hrtime.bigint()
    const req = http.get(url, { agent, headers }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (c: Buffer) => chunks.push(c))
      res.on("end", () =>
        resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() })
      )
      res.on("error", reject)
    })
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${url}`)))
    req.on("error", reject)
  })

const latency = async (args: LatencyArgs): Promise<LatencyResult> => {
  const ms: Array<number> = []
  const statuses: Array<number> = []
  for (const path of args.paths) {
    const r = await timed(args.url + path, args.headers)
    ms.push(r.ms)
    statuses.push(r.status)
  }
  return { ms, statuses }
}

/** One GET: status and body (to read `totalPages`, or a body to mirror). */
const get = async (args: { readonly url: string; readonly headers: Record<string, string> }) => {
  const r = await timed(args.url, args.headers)
  return { status: r.status, body: r.body }
}

Child.serve({}, { load, latency, get }, () => agent.destroy())
