/**
 * Child processes of the harness, and the small request/reply protocol over their IPC channel.
 * Every server under test and every load generator runs in a child of its own, so that the
 * harness's bookkeeping never shares an event loop (or a heap) with what it measures.
 *
 * Parent side: {@link start} forks a script and waits for its `ready` message; {@link Child.call}
 * sends a command and awaits its reply. Child side: {@link serve} answers commands.
 */
import { fork, type ChildProcess } from "node:child_process"
import * as inspector from "node:inspector/promises"

/** A running child and the way to drive it. */
export interface Child<Ready> {
  readonly process: ChildProcess
  /** What the child sent in its `ready` message (its URL, load time, ...). */
  readonly ready: Ready
  /** Sends a command; rejects on the child's error, on its exit, or after `timeoutMs`. */
  readonly call: <A>(command: string, args?: unknown, timeoutMs?: number) => Promise<A>
  /** Asks the child to exit cleanly (so that `--cpu-prof` is written), then kills it if it does not. */
  readonly stop: () => Promise<void>
}

/** How to fork a child. */
export interface StartOptions {
  /** Node flags, such as `--expose-gc` or `--cpu-prof`. */
  readonly execArgv?: ReadonlyArray<string>
  /** Passed to the child as `argv[2]`, JSON-encoded. */
  readonly args?: unknown
  /** Longest wait for the `ready` message. */
  readonly readyTimeoutMs?: number
  readonly env?: NodeJS.ProcessEnv
  /**
   * A command to run Node under, with its own arguments (such as `valgrind --tool=callgrind`):
   * the child is then that command, given Node and its flags, in the same process id.
   */
  readonly under?: ReadonlyArray<string> | undefined
}

interface Reply {
  readonly id: number
  readonly ok: boolean
  readonly value?: unknown
  readonly error?: string
}

const exitDescription = (code: number | null, signal: NodeJS.Signals | null) =>
  signal === null ? `exit code ${code}` : `signal ${signal}`

/** Forks `script` (a path or file URL) and resolves once it has sent `{ type: "ready" }`. */
export const start = <Ready>(script: string | URL, options: StartOptions = {}): Promise<Child<Ready>> =>
  new Promise((resolve, reject) => {
    const [wrapper, ...wrapperArgs] = options.under ?? []
    const child = fork(script, options.args === undefined ? [] : [JSON.stringify(options.args)], {
      ...(wrapper === undefined ? { execArgv: [...(options.execArgv ?? [])] } : { execPath: wrapper, execArgv: [...wrapperArgs, process.execPath, ...(options.execArgv ?? [])] }),
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: options.env ?? process.env
    })
    const name = String(script).replace(/^.*\//, "")
    const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>()
    let nextId = 1
    let exited: string | undefined

    const readyTimer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`${name} was not ready within ${options.readyTimeoutMs ?? 120_000} ms`))
    }, options.readyTimeoutMs ?? 120_000)

    child.on("exit", (code, signal) => {
      exited = exitDescription(code, signal)
      clearTimeout(readyTimer)
      reject(new Error(`${name} exited before it was ready (${exited})`))
      for (const p of pending.values()) {
        clearTimeout(p.timer)
        p.reject(new Error(`${name} exited (${exited})`))
      }
      pending.clear()
    })

    const call = <A>(command: string, args?: unknown, timeoutMs = 300_000): Promise<A> =>
      new Promise<A>((ok, fail) => {
        if (exited !== undefined) return fail(new Error(`${name} has exited (${exited})`))
        const id = nextId++
        const timer = setTimeout(() => {
          pending.delete(id)
          fail(new Error(`${name}: ${command} did not answer within ${timeoutMs} ms`))
        }, timeoutMs)
        pending.set(id, { resolve: ok as (v: unknown) => void, reject: fail, timer })
        child.send({ id, command, args })
      })

    const stop = () =>
      new Promise<void>((done) => {
        if (exited !== undefined) return done()
        const kill = setTimeout(() => child.kill("SIGKILL"), 15_000)
        child.once("exit", () => {
          clearTimeout(kill)
          done()
        })
        child.send({ id: 0, command: "exit" })
      })

    child.on("message", (message: { type?: string } & Partial<Reply>) => {
      if (message.type === "ready") {
        clearTimeout(readyTimer)
        resolve({ process: child, ready: message as unknown as Ready, call, stop })
        return
      }
      const p = message.id === undefined ? undefined : pending.get(message.id)
      if (p === undefined) return
      pending.delete(message.id!)
      clearTimeout(p.timer)
      if (message.ok) p.resolve(message.value)
      else p.reject(new Error(`${name}: ${message.error}`))
    })
  })

/** The JSON argument the parent passed to this child. */
export const args = <A>(): A => JSON.parse(process.argv[2] ?? "{}") as A

/** A child's command handlers. */
export type Handlers = Record<string, (args: never) => unknown>

let session: inspector.Session | undefined

/**
 * Built-in commands of every child: `profileStart` and `profileStop` run V8's CPU profiler (the one
 * behind `node --cpu-prof`) over exactly the window the parent measures; `profileStop` answers
 * the `.cpuprofile` object; `collect` runs a full garbage collection (with `--expose-gc`).
 */
const builtins: Handlers = {
  /** A full collection (with `--expose-gc`), so that a measured window starts from a clean heap. */
  collect: () => {
    ;(globalThis as { gc?: () => void }).gc?.()
  },
  profileStart: async () => {
    session = new inspector.Session()
    session.connect()
    await session.post("Profiler.enable")
    await session.post("Profiler.setSamplingInterval", { interval: 500 })
    await session.post("Profiler.start")
  },
  profileStop: async () => {
    if (session === undefined) throw new Error("profileStop without profileStart")
    const { profile } = await session.post("Profiler.stop")
    session.disconnect()
    session = undefined
    return profile
  }
}

/**
 * Child side: announces `ready` (with `info`) and answers commands with `handlers` (and the
 * built-in profiler commands). The `exit` command runs `onExit` (close the server) and exits with
 * code 0.
 */
export const serve = (info: object, own: Handlers, onExit: () => Promise<void> | void = () => {}): void => {
  const handlers = { ...builtins, ...own }
  process.on("message", async (message: { id: number; command: string; args: unknown }) => {
    if (message.command === "exit") {
      await onExit()
      process.exit(0)
    }
    const handler = handlers[message.command] as ((args: unknown) => unknown) | undefined
    try {
      if (handler === undefined) throw new Error(`unknown command ${message.command}`)
      const value = await handler(message.args)
      process.send!({ id: message.id, ok: true, value })
    } catch (error) {
      process.send!({ id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
    }
  })
  // A parent that dies must not leave servers behind.
  process.on("disconnect", () => process.exit(0))
  process.send!({ type: "ready", ...info })
}

/** `process.memoryUsage()` after a full collection when `--expose-gc` is on. */
export const memory = (collect: boolean): NodeJS.MemoryUsage => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (collect && gc !== undefined) {
    gc()
    gc()
  }
  return process.memoryUsage()
}
