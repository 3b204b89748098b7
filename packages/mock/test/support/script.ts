/**
 * A script of its own: ESM code run by a fresh `node` on the package's sources, as a user's script
 * would import `@refold-effect/mock`. For what only a process shows: whether it waits for an answer
 * or exits first (Node's code 13, "unsettled top-level await", when nothing keeps it alive).
 */
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"

const packageDir = fileURLToPath(new URL("../..", import.meta.url))

/**
 * How long a script may run: compiling the sources with `tsx` takes seconds, and tens of seconds
 * on a machine busy with other test files. Within the 120 s its callers' tests allow.
 */
const SCRIPT_TIMEOUT_MS = 100_000

/**
 * Runs `code` to its end: its exit code (`null` when killed) and its output (stdout then stderr,
 * then a line saying so when the script was killed for running past {@link SCRIPT_TIMEOUT_MS}).
 */
export const runScript = (code: string) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    execFile(process.execPath, ["--conditions=@refold-effect/source", "--import", "tsx", "--input-type=module", "--eval", code], { cwd: packageDir, timeout: SCRIPT_TIMEOUT_MS }, (error, stdout, stderr) =>
      resolve({
        code: error === null ? 0 : typeof error.code === "number" ? error.code : null,
        output: stdout + stderr + (error?.killed === true ? `[killed after ${SCRIPT_TIMEOUT_MS} ms]\n` : "")
      }))
  })
