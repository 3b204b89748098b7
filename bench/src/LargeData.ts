/**
 * The large generated data set on disk, written once (in a child process) and reused by later runs
 * while the generator's code is unchanged: writing 10^6 executions takes minutes. It is anchored on
 * a fixed day (`DataSet.bundledAnchor`), so that it and the figures over it do not move with the day,
 * and the anchor is part of the cache key.
 */
import { spawn } from "node:child_process"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { DataSet } from "@refold-effect/fixtures"

const require = createRequire(import.meta.url)

/** A fingerprint of the built generator and writer: a change to them invalidates the cache. */
const fingerprint = (size: number, seed: number, anchor: number): string => {
  const dist = path.dirname(require.resolve("@refold-effect/fixtures"))
  const hash = createHash("sha256").update(`${size}:${seed}:${anchor}`)
  for (const dir of [dist, path.join(dist, "internal")]) {
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".js")).sort()) hash.update(fs.readFileSync(path.join(dir, f)))
  }
  return hash.digest("hex")
}

/** The directory holding `size` generated executions (seed 1, `DataSet.bundledAnchor`), writing it first when needed. */
export const ensure = async (cache: string, size: number, log: (m: string) => void): Promise<string> => {
  const seed = 1
  const anchor = DataSet.bundledAnchor
  const dir = path.join(cache, `data-${size}-seed${seed}-${new Date(anchor).toISOString().slice(0, 10)}`)
  const stamp = fingerprint(size, seed, anchor)
  if (fs.existsSync(path.join(dir, "stamp")) && fs.readFileSync(path.join(dir, "stamp"), "utf8") === stamp) return dir
  log(`writing ${size} generated executions to ${dir} (reused by later runs)`)
  fs.mkdirSync(dir, { recursive: true })
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--max-old-space-size=8192", fileURLToPath(new URL("./children/generate.js", import.meta.url)), dir, String(size), String(seed), String(anchor), stamp],
      { stdio: ["ignore", "inherit", "inherit"] }
    )
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`generating the data set exited with code ${code}`))))
  })
  return dir
}

/** Total size of the files of a data set directory. */
export const bytes = (dir: string): number =>
  fs.readdirSync(dir).filter((f) => f.endsWith(".json")).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0)
