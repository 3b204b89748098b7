// Sums self time of a .cpuprofile by function+url and by url (top N).
import { readFileSync } from "node:fs"
const p = JSON.parse(readFileSync(process.argv[2], "utf8"))
const dt = new Map(); p.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)))
const byFn = new Map(), byUrl = new Map(); let total = 0
for (const n of p.nodes) { const t = dt.get(n.id) ?? 0; total += t; const cf = n.callFrame
  const u = cf.url.replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "").replace(/^file:\/\/\/work\/main\//, "")
  const k = `${cf.functionName || "(anon)"} ${u}:${cf.lineNumber + 1}`
  byFn.set(k, (byFn.get(k) ?? 0) + t); const uk = u.replace(/\/[^/]*$/, "") || cf.functionName; byUrl.set(uk, (byUrl.get(uk) ?? 0) + t) }
const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) => `${(100 * t / total).toFixed(1).padStart(5)}%  ${k}`).join("\n")
console.log(`total ${(total / 1000).toFixed(0)} ms\n-- by function --\n${top(byFn, Number(process.argv[3] ?? 30))}\n-- by dir --\n${top(byUrl, 15)}`)
