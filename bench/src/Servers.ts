/**
 * Starting the contenders, each in a process of its own: the mock (our child over the built
 * `@refold-effect/mock`), the bare Hono baseline, Prism mocking our OpenAPI document, the
 * `refold-mock` command line, and the load generator.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { createRequire } from "node:module"
import * as net from "node:net"
import * as path from "node:path"
import * as readline from "node:readline"
import * as Child from "./Child.js"
import type * as Bare from "./children/bare.js"
import type * as Mock from "./children/mock.js"

const require = createRequire(import.meta.url)
const script = (name: string) => new URL(`./children/${name}.js`, import.meta.url)

/** The credentials every request carries: the bundled data set accepts any API key. */
export const account = "user_12345"
/** Request headers with an org API key and the account. */
export const authHeaders: Record<string, string> = { "x-api-key": "tk_bench", linked_account_id: account }

/** Paths of the two endpoints. */
export const listPath = "/api/v2/public/execution"
export const getPath = (id: string) => `${listPath}/${encodeURIComponent(id)}`

/** Starts the mock over a data set (`under` a command such as valgrind, see `Child.start`). */
export const mock = (data: Mock.Data, execArgv: ReadonlyArray<string> = [], under?: ReadonlyArray<string>) =>
  Child.start<Mock.Ready>(script("mock"), {
    args: { data } satisfies Mock.Args,
    execArgv: ["--expose-gc", "--max-old-space-size=8192", ...execArgv],
    readyTimeoutMs: 600_000,
    under
  })

/** Starts the bare Hono app answering with constant bodies (`under` a command, see `Child.start`). */
export const bare = (bodies: Bare.Args, under?: ReadonlyArray<string>) =>
  Child.start<{ url: string }>(script("bare"), { args: bodies, readyTimeoutMs: 600_000, under })

/** Starts the load generator. */
export const loadgen = () => Child.start<object>(script("loadgen"))

/** Starts the SDK client child. */
export const client = (execArgv: ReadonlyArray<string> = []) => Child.start<object>(script("sdk"), { execArgv: ["--expose-gc", ...execArgv] })

/** A free TCP port on 127.0.0.1 (for servers that cannot report the one they bound). */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port
      server.close(() => resolve(port))
    })
  })

/** A server in a plain child process (no IPC). */
export interface External {
  readonly url: string
  readonly process: ChildProcess
  readonly stop: () => Promise<void>
}

const stopper = (child: ChildProcess, signal: NodeJS.Signals) => () =>
  new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done()
    const kill = setTimeout(() => child.kill("SIGKILL"), 15_000)
    child.once("exit", () => {
      clearTimeout(kill)
      done()
    })
    child.kill(signal)
  })

const waitForHttp = async (url: string, child: ChildProcess, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited with code ${child.exitCode}`)
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) })
      return
    } catch {
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`)
}

/** The OpenAPI document that `@refold-effect/contract` generates. */
export const openApiPath = path.join(path.dirname(require.resolve("@refold-effect/contract")), "..", "openapi.json")

/** Prism's version, for the report. */
export const prismVersion = (require("@stoplight/prism-cli/package.json") as { version: string }).version

/**
 * Starts Prism (`prism mock`, static examples) on our OpenAPI document. Its request log is turned
 * down to errors, which only makes it faster.
 */
export const prism = async (): Promise<External> => {
  const port = await freePort()
  const pkg = path.dirname(require.resolve("@stoplight/prism-cli/package.json"))
  const child = spawn(
    process.execPath,
    [path.join(pkg, "dist", "index.js"), "mock", openApiPath, "-h", "127.0.0.1", "-p", String(port), "-v", "error"],
    { stdio: ["ignore", "ignore", "inherit"] }
  )
  const url = `http://127.0.0.1:${port}`
  await waitForHttp(`${url}${listPath}`, child, 60_000)
  return { url, process: child, stop: stopper(child, "SIGTERM") }
}

/** The `refold-mock` command line's entry point (built). */
export const cliPath = path.join(path.dirname(require.resolve("@refold-effect/mock-server")), "main.js")

/** A started command line, and how long it took to print that it listens. */
export interface Started extends External {
  readonly readyMs: number
}

/**
 * Runs `node <script> ...args` and resolves when a line of its stdout matches `ready`, with the
 * time from spawn to that line. The child keeps running (stop it).
 */
export const timedStart = (
  args: ReadonlyArray<string>,
  ready: RegExp,
  timeoutMs: number,
  execArgv: ReadonlyArray<string> = []
): Promise<Started & { readonly match: RegExpExecArray }> =>
  new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, [...execArgv, ...args], { stdio: ["ignore", "pipe", "inherit"] })
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`${args.join(" ")}: no ${ready} within ${timeoutMs} ms`))
    }, timeoutMs)
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`${args.join(" ")} exited with code ${code} before ${ready}`))
    })
    const lines = readline.createInterface({ input: child.stdout! })
    lines.on("line", (line) => {
      const match = ready.exec(line)
      if (match === null) return
      clearTimeout(timer)
      const readyMs = performance.now() - t0
      lines.removeAllListeners("line")
      child.stdout!.resume()
      resolve({ url: match[1] ?? "", match, readyMs, process: child, stop: stopper(child, "SIGINT") })
    })
  })

/** Resident set size (current and peak) of a process, from `/proc` (Linux); `undefined` elsewhere. */
export const rss = async (pid: number): Promise<{ rss: number; peak: number } | undefined> => {
  try {
    const { readFile } = await import("node:fs/promises")
    const status = await readFile(`/proc/${pid}/status`, "utf8")
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) * 1024
    return { rss: kb("VmRSS"), peak: kb("VmHWM") }
  } catch {
    return undefined
  }
}

/**
 * CPU time (user + system) a process has used so far, in seconds, from `/proc/<pid>/stat` (Linux,
 * 100 ticks per second); `NaN` elsewhere. Unlike requests per second, CPU per request does not
 * depend on how much of the shared machine the process was given.
 */
export const cpuSeconds = async (pid: number): Promise<number> => {
  try {
    const { readFile } = await import("node:fs/promises")
    const stat = await readFile(`/proc/${pid}/stat`, "utf8")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return Number.NaN
  }
}
