/**
 * Reading V8 CPU profiles (`node --cpu-prof`): the functions where the time goes, by self time,
 * with their inclusive time, as a Markdown table for the report.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import * as Report from "./Report.js"
import * as Stats from "./Stats.js"

/** The parts of a `.cpuprofile` that the summary reads. */
export interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
    readonly hitCount?: number
    readonly children?: ReadonlyArray<number>
  }>
  readonly startTime: number
  readonly endTime: number
  readonly samples?: ReadonlyArray<number>
}

/** One function of the profile. */
export interface Frame {
  readonly name: string
  readonly location: string
  /** Share of all samples spent in the function itself. */
  readonly self: number
  /** Share of all samples spent in it or in what it calls. */
  readonly total: number
}

/** A file URL made short: the package and file, without the workspace or pnpm store prefix. */
export const shortLocation = (url: string, line: number): string => {
  if (url === "") return ""
  const file = url
    .replace(/^file:\/\//, "")
    .replace(/^.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, "")
    .replace(/^.*\/node_modules\//, "")
    .replace(/^.*\/(packages|apps|fixtures|bench)\//, "$1/")
  return `${file}:${line + 1}`
}

/** The `top` functions by self time (recursion counted once in the inclusive time). */
export const summarise = (profile: CpuProfile, top = 15): ReadonlyArray<Frame> => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const key = (id: number) => {
    const f = byId.get(id)!.callFrame
    return `${f.functionName || "(anonymous)"}\u0000${shortLocation(f.url, f.lineNumber)}`
  }
  const hits = new Map<number, number>()
  if (profile.samples !== undefined && profile.samples.length > 0) for (const s of profile.samples) hits.set(s, (hits.get(s) ?? 0) + 1)
  else for (const n of profile.nodes) hits.set(n.id, n.hitCount ?? 0)
  let all = 0
  const self = new Map<string, number>()
  const total = new Map<string, number>()
  for (const [id, count] of hits) {
    all += count
    self.set(key(id), (self.get(key(id)) ?? 0) + count)
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = key(at)
      if (seen.has(k)) continue
      seen.add(k)
      total.set(k, (total.get(k) ?? 0) + count)
    }
  }
  return [...self.entries()]
    .filter(([k]) => !k.startsWith("(root)"))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, s]) => {
      const [name, location] = k.split("\u0000") as [string, string]
      return { name, location, self: s / all, total: (total.get(k) ?? 0) / all }
    })
}

/** The newest `.cpuprofile` in `dir`. */
export const newest = (dir: string): CpuProfile => {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}`)
  const latest = files.map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0]!
  return JSON.parse(fs.readFileSync(latest, "utf8")) as CpuProfile
}

/** A profile's top frames as a Markdown block. */
export const markdown = (title: string, profile: CpuProfile, top = 15): string => {
  const frames = summarise(profile, top)
  const pct = (x: number) => `${Stats.format(x * 100, 1)} %`
  return Report.table({
    caption: `**Profile: ${title}** (V8 CPU profiler, as \`node --cpu-prof\`, ${Stats.format((profile.endTime - profile.startTime) / 1e6, 1)} s; top ${frames.length} functions by self time)`,
    headers: ["function", "location", "self", "inclusive"],
    rows: frames.map((f) => [`\`${f.name}\``, f.location === "" ? "(native)" : `\`${f.location}\``, pct(f.self), pct(f.total)])
  })
}
