/**
 * The `refold-mock` command's file: present before any build (so that installing the workspace can
 * link it), it runs the built entry point with the command line as given, and says what to do when
 * there is none yet.
 */
import { execFile } from "node:child_process"
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"

const run = promisify(execFile)
const here = new URL("..", import.meta.url).pathname
const manifest = JSON.parse(readFileSync(join(here, "package.json"), "utf8")) as { bin: Record<string, string>; files: ReadonlyArray<string> }
const dirs: Array<string> = []
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

/** A package folder holding only the command's file (and `dist/main.js` when given). */
const packageWith = (main?: string) => {
  const dir = mkdtempSync(join(tmpdir(), "refold-bin-"))
  dirs.push(dir)
  mkdirSync(join(dir, "bin"))
  copyFileSync(join(here, manifest.bin["refold-mock"]!), join(dir, "bin", "refold-mock.js"))
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }))
  if (main !== undefined) {
    mkdirSync(join(dir, "dist"))
    writeFileSync(join(dir, "dist", "main.js"), main)
  }
  return join(dir, "bin", "refold-mock.js")
}

describe("the refold-mock command", () => {
  it("is a file of the source tree that the published package holds", () => {
    expect(manifest.bin["refold-mock"]).toBe("./bin/refold-mock.js")
    expect(manifest.files).toContain("bin")
  })

  it("runs the built entry point with the command line as given", async () => {
    const file = packageWith("console.log(JSON.stringify(process.argv.slice(2)))\n")
    const { stdout } = await run(process.execPath, [file, "--port", "0", "--clock", "manual"])
    expect(JSON.parse(stdout)).toEqual(["--port", "0", "--clock", "manual"])
  })

  it("says to build first, and exits 1, before the first build", async () => {
    const failed = await run(process.execPath, [packageWith()]).then(() => undefined, (e: { code: number; stderr: string }) => e)
    expect(failed?.code).toBe(1)
    expect(failed?.stderr).toContain("refold-mock is not built yet: run `pnpm build` (or `pnpm start`) at the repository's root first.")
  })
})
