import { describe, expect, it } from "vitest"
import * as Report from "../src/Report.js"

const section: Report.Section = {
  id: "1",
  title: "Throughput",
  method: "how",
  tool: "autocannon",
  tables: [{ headers: ["contender", "req/s"], rows: [["mock | list", "10"]] }],
  targets: [
    { name: "list", goal: "≥ 0.70×", measured: "0.80×", met: true },
    { name: "get", goal: "≥ 0.80×", measured: "0.50×", met: false }
  ],
  profiles: ["**Profile: get**"]
}

describe("Report", () => {
  it("renders a Markdown table, escaping pipes in cells", () => {
    expect(Report.table({ headers: ["a", "b"], rows: [["x|y", "1"]] })).toBe("| a | b |\n| --- | ---: |\n| x\\|y | 1 |")
  })

  it("renders the machine, a summary of every target, each section's method and tool, and the profiles of misses", () => {
    const md = Report.render(
      { date: "2026-11-23T00:00:00.000Z", mode: "full", machine: [["CPU", "test cpu"]], durationSeconds: 12 },
      [section],
      "## Analysis\n\nwhy"
    )
    expect(md).toContain("| CPU | test cpu |")
    expect(md).toContain("| 1 | list | ≥ 0.70× | 0.80× | met |")
    expect(md).toContain("| 1 | get | ≥ 0.80× | 0.50× | **missed** |")
    expect(md).toContain("**Method.** how")
    expect(md).toContain("**Tool.** autocannon")
    expect(md).toContain("**Profile: get**")
    expect(md.trimEnd().endsWith("why")).toBe(true)
  })
})
