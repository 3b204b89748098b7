// Sums the vitest JSON reports of every package (and .ci/pack-check.mjs's checks) into one closing line: "tests: N passed, N failed".
import { readdirSync, readFileSync, existsSync } from "node:fs"
import { join } from "node:path"

const roots = ["packages", "apps"].flatMap((d) => (existsSync(d) ? readdirSync(d).map((p) => join(d, p)) : [])).concat(["fixtures", "bench", ".ci"])
let passed = 0
let failed = 0
let skipped = 0
for (const dir of roots) {
  const file = join(dir, "test-results.json")
  if (!existsSync(file)) continue
  const report = JSON.parse(readFileSync(file, "utf8"))
  passed += report.numPassedTests
  failed += report.numFailedTests
  skipped += report.numPendingTests + (report.numTodoTests ?? 0)
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`)
