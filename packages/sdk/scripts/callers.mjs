// For frames whose name contains argv[3], sums self time by their chain of argv[4] callers.
import { readFileSync } from "node:fs"
const p = JSON.parse(readFileSync(process.argv[2], "utf8"))
const dt = new Map(); p.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)))
const parent = new Map(), byId = new Map()
for (const n of p.nodes) { byId.set(n.id, n); for (const c of n.children ?? []) parent.set(c, n.id) }
const name = (n) => `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.replace(/.*node_modules\//, "").replace(/^file:\/\/\/work\/main\//, "")}:${n.callFrame.lineNumber + 1}`
const agg = new Map(); const depth = Number(process.argv[4] ?? 6)
for (const n of p.nodes) { if (!name(n).includes(process.argv[3])) continue
  const chain = []; let id = parent.get(n.id); while (id !== undefined && chain.length < depth) { chain.push(name(byId.get(id))); id = parent.get(id) }
  const k = chain.join("\n    <- "); agg.set(k, (agg.get(k) ?? 0) + (dt.get(n.id) ?? 0)) }
for (const [k, t] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(`${(t / 1000).toFixed(0)} ms\n    <- ${k}\n`)
