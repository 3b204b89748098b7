/**
 * Child: the start-up baseline. Reads and `JSON.parse`s every file of a data set directory, and
 * nothing else, then prints `parsed <n>` and exits (the harness times spawn to that line).
 * With `--expose-gc` it also prints the heap the parsed values hold.
 */
import * as fs from "node:fs"
import * as path from "node:path"

const dir = process.argv[2]!
const before = process.memoryUsage().heapUsed
const values: Array<unknown> = []
let count = 0
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  const value: unknown = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"))
  if (Array.isArray(value)) count += value.length
  values.push(value)
}
console.log(`parsed ${count}`)
const gc = (globalThis as { gc?: () => void }).gc
if (gc !== undefined) {
  gc()
  console.log(`heap ${process.memoryUsage().heapUsed - before}`)
}
