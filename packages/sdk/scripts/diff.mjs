// Self time per function: profile B minus profile A (µs per call, calls = argv[4]).
import { readFileSync } from "node:fs"
const load = (f) => { const p = JSON.parse(readFileSync(f, "utf8"))
  const dt = new Map(); p.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)))
  const by = new Map(); for (const n of p.nodes) { const cf = n.callFrame
    const u = cf.url.replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "").replace(/^file:\/\/\/work\/wt\/[a-z0-9]+\//, "").replace(/packages\/sdk\/\.[A-Za-z0-9-]+\//, "packages/sdk/dist/")
    const k = `${cf.functionName || "(anon)"} ${u}:${cf.lineNumber + 1}`; by.set(k, (by.get(k) ?? 0) + (dt.get(n.id) ?? 0)) } return by }
const a = load(process.argv[2]), b = load(process.argv[3]), calls = Number(process.argv[4])
const keys = new Set([...a.keys(), ...b.keys()]); const rows = []
let ta = 0, tb = 0
for (const k of keys) { if (k.startsWith("(idle)")) continue; const x = (a.get(k) ?? 0) / calls, y = (b.get(k) ?? 0) / calls; ta += x; tb += y; rows.push([k, x, y, y - x]) }
console.log(`total non-idle µs/call: A ${ta.toFixed(1)}  B ${tb.toFixed(1)}`)
rows.sort((p, q) => q[3] - p[3])
for (const r of rows.slice(0, Number(process.argv[5] ?? 40))) console.log(`${r[3].toFixed(1).padStart(7)} ${r[1].toFixed(1).padStart(7)} ${r[2].toFixed(1).padStart(7)}  ${r[0]}`)
