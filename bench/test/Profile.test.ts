import { describe, expect, it } from "vitest"
import * as Profile from "../src/Profile.js"

const frame = (functionName: string, url = "", lineNumber = 0) => ({ functionName, url, lineNumber, scriptId: "0", columnNumber: 0 })

// root -> handler -> (serialise, parse); handler -> serialise (recursion counted once)
const profile: Profile.CpuProfile = {
  startTime: 0,
  endTime: 2_000_000,
  nodes: [
    { id: 1, callFrame: frame("(root)"), children: [2, 5] },
    { id: 2, callFrame: frame("handler", "file:///work/main/packages/mock/dist/internal/Executions.js", 10), children: [3, 4] },
    { id: 3, callFrame: frame("serialise", "file:///work/main/node_modules/.pnpm/hono@4.13.19/node_modules/hono/dist/x.js", 4), children: [6] },
    { id: 4, callFrame: frame("parse", "node:internal/url", 7) },
    { id: 5, callFrame: frame("(idle)") },
    { id: 6, callFrame: frame("serialise", "file:///work/main/node_modules/.pnpm/hono@4.13.19/node_modules/hono/dist/x.js", 4) }
  ],
  samples: [3, 3, 6, 4, 5, 2, 6, 6]
}

describe("Profile.summarise", () => {
  it("ranks functions by self time and counts inclusive time once per stack", () => {
    const frames = Profile.summarise(profile)
    expect(frames[0]).toEqual({ name: "serialise", location: "hono/dist/x.js:5", self: 5 / 8, total: 5 / 8 })
    const handler = frames.find((f) => f.name === "handler")!
    expect(handler.location).toBe("packages/mock/dist/internal/Executions.js:11")
    expect(handler.self).toBe(1 / 8)
    expect(handler.total).toBe(7 / 8)
    expect(frames.map((f) => f.name)).not.toContain("(root)")
  })

  it("falls back to hit counts when the profile has no samples", () => {
    const { samples: _, ...withoutSamples } = profile
    const frames = Profile.summarise({ ...withoutSamples, nodes: profile.nodes.map((n) => ({ ...n, hitCount: n.id === 4 ? 3 : 1 })) })
    expect(frames[0]!.name).toBe("parse")
  })
})
