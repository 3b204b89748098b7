/**
 * Child: writes a generated data set to a directory (`DataSet.generate` + `DataSet.write`), then
 * the `stamp` file that lets later runs reuse it. Run apart so the harness's heap stays small.
 * Arguments: directory, size, seed, anchor (epoch ms), stamp.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { DataSet } from "@refold-effect/fixtures"

const [dir, size, seed, anchor, stamp] = process.argv.slice(2) as [string, string, string, string, string]
fs.rmSync(path.join(dir, "stamp"), { force: true })
DataSet.write(dir, DataSet.generate({ size: Number(size), seed: Number(seed), anchor: Number(anchor) }))
fs.writeFileSync(path.join(dir, "stamp"), stamp)
