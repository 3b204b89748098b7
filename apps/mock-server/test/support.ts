/**
 * Runs the real command line in a child process (`node --import tsx` on the sources, so no build is
 * needed) and watches its output and exit.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"

const appDir = fileURLToPath(new URL("..", import.meta.url))

/** A spawned mock server process. */
export interface Cli {
  readonly child: ChildProcess
  /** Resolves with the base URL once the start-up line is printed; rejects if the process exits first. */
  readonly ready: Promise<string>
  /** Resolves when the process exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>
  stdout(): string
  stderr(): string
}

const running = new Set<ChildProcess>()

/** Starts `main.ts` with `args`; `env` is added to a copy of the test's environment without PORT/HOST. */
export const cli = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Cli => {
  const { PORT: _port, HOST: _host, ...base } = process.env
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=@refold-effect/source", "src/main.ts", ...args], {
    cwd: appDir,
    env: { ...base, ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  running.add(child)
  let stdout = ""
  let stderr = ""
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => {
      running.delete(child)
      // Let the pipes drain before reporting what was printed.
      setImmediate(() => resolve({ code, signal, stdout, stderr }))
    })
  )
  const ready = new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1]
      if (url !== undefined) {
        clearInterval(poll)
        resolve(url)
      }
    }, 20)
    void exited.then((exit) => {
      clearInterval(poll)
      reject(new Error(`exited ${exit.code ?? exit.signal} before listening:\n${exit.stdout}${exit.stderr}`))
    })
  })
  ready.catch(() => {})
  return { child, ready, exited, stdout: () => stdout, stderr: () => stderr }
}

/** Kills every process a test left running (only the ones this file started). */
export const killAll = () => {
  for (const child of running) child.kill("SIGKILL")
}

/** A TCP port that was free a moment ago. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
    })
  })
