import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import * as Settings from "../src/Settings.js"
import { lastDump } from "../src/suites/work.js"

describe("lastDump", () => {
  it("reads the newest dump of a process: its main thread's totals and the sum over its threads", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "work-test-"))
    const dump = (name: string, totals: number) => fs.writeFileSync(path.join(dir, name), `version: 1\nevents: Ir\nsummary: 0\ntotals: ${totals}\n`)
    dump("cg.42.1-01", 100)
    dump("cg.42.1-02", 7)
    dump("cg.42.2-01", 300)
    dump("cg.42.2-03", 20)
    dump("cg.43.9-01", 5000) // another process
    dump("cg.42-01", 1) // the dump at exit
    expect(lastDump(dir, 42)).toEqual({ main: 300, all: 320 })
    expect(() => lastDump(dir, 44)).toThrow(`no callgrind dump of process 44 in ${dir}`)
  })
})

describe("Settings.parse", () => {
  it("runs every figure the harness has, and names them when --only asks for another", () => {
    expect([...Settings.parse([], "/tmp/b.md", [1, 2, 8]).only]).toEqual([1, 2, 8])
    expect([...Settings.parse(["--only", "8"], "/tmp/b.md", [1, 2, 8]).only]).toEqual([8])
    expect(() => Settings.parse(["--only", "9"], "/tmp/b.md", [1, 2, 8])).toThrow("--only takes figure numbers from 1 to 8, got 9")
  })
})
