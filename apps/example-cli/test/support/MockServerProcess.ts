/**
 * The real mock server (`apps/mock-server`) as a child process, as a user starts it with
 * `pnpm start -- --clock-speed 600`: its sources under Node through tsx, so no build is needed.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"

const serverDir = fileURLToPath(new URL("../../../mock-server", import.meta.url))

/**
 * Starts the mock server with `args` (on a free port of 127.0.0.1) and gives its base URL once it
 * prints its start-up line; the scope's end kills it. Fails with what it printed if it exits first.
 */
export const start = (args: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly kill: () => void }, Error>((resume) => {
      const { PORT: _port, HOST: _host, ...base } = process.env
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "--conditions=@refold-effect/source", "src/main.ts", "--host", "127.0.0.1", "--port", "0", ...args],
        { cwd: serverDir, env: base, stdio: ["ignore", "pipe", "pipe"] }
      )
      let out = ""
      const kill = () => void child.kill("SIGTERM")
      const onData = (chunk: string) => {
        out += chunk
        const url = /listening on (http:\/\/\S+)/.exec(out)?.[1]
        if (url !== undefined) {
          child.stdout.off("data", onData)
          resume(Effect.succeed({ url, kill }))
        }
      }
      child.stdout.setEncoding("utf8").on("data", onData)
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (out += chunk))
      child.on("exit", (code) => resume(Effect.fail(new Error(`the mock server exited ${code} before listening:\n${out}`))))
      return Effect.sync(kill)
    }),
    ({ kill }) => Effect.sync(kill)
  )
