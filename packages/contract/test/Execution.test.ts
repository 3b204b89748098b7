import { describe, expect, it } from "@effect/vitest"
import { Either, ParseResult, Schema } from "effect"
import { Execution, Page } from "../src/index.js"
import { examples } from "./support/vendorDocs.js"

const decodePage = Schema.decodeUnknownSync(Page.ExecutionPage)
const decodeDetail = Schema.decodeUnknownSync(Execution.Detail)
const decodeSummary = Schema.decodeUnknownSync(Execution.Summary)

const all = examples()
const pages = all.filter((e) => Array.isArray(e.body["docs"]) && /list-executions/.test(e.file))
const details = all.filter((e) => Array.isArray(e.body["nodes"]))

const seedDoc = pages.find((p) => p.file === "list-executions.seed.txt")!.body["docs"] as Array<Record<string, unknown>>
const seedDetail = details.find((d) => d.file === "get-execution.seed.txt")!.body

/** The paths of the fields that failed, as `a.b[0].c`. */
const failures = (schema: Schema.Schema.AnyNoContext, input: unknown) =>
  Either.match(Schema.decodeUnknownEither(schema, { errors: "all" })(input), {
    onLeft: (e) => [...new Set(ParseResult.ArrayFormatter.formatErrorSync(e).map((i) => i.path.join(".")))],
    onRight: () => []
  })

describe("Execution", () => {
  it("decodes every list and detail example of the vendor's docs", () => {
    expect(pages.length).toBeGreaterThanOrEqual(2)
    expect(details.length).toBeGreaterThanOrEqual(2)
    for (const p of pages) expect(() => decodePage(p.body), p.file).not.toThrow()
    for (const d of details) expect(() => decodeDetail(d.body), d.file).not.toThrow()
  })

  it("keeps the seed page's list document field for field", () => {
    expect(decodeSummary(seedDoc[0])).toEqual(seedDoc[0])
  })

  it("decodes the newer detail example without _id or createdAt", () => {
    const detail = decodeDetail(seedDetail)
    expect(detail._id).toBeUndefined()
    expect(detail.createdAt).toBeUndefined()
    expect(detail.nodes[0]?.node_status).toBe("Success")
  })

  it("ignores unknown fields at every level instead of failing", () => {
    const doc = { ...seedDoc[0], brand_new_field: { nested: true }, associated_application: { name: "Slack", extra: 1 } }
    const decoded = decodeSummary(doc)
    expect(decoded).not.toHaveProperty("brand_new_field")
    expect(decoded.associated_application).toEqual({ name: "Slack" })
    const node = { ...(seedDetail["nodes"] as Array<object>)[0], retry_policy: "linear" }
    expect(() => decodeDetail({ ...seedDetail, nodes: [node], edges: [] })).not.toThrow()
  })

  it("accepts statuses, node statuses and environments the docs do not list yet", () => {
    const doc = decodeSummary({ ...seedDoc[0], status: "PAUSED", environment: "staging" })
    expect(doc.status).toBe("PAUSED")
    expect(doc.environment).toBe("staging")
    const node = { ...(seedDetail["nodes"] as Array<object>)[0], node_status: "Skipped_By_Policy" }
    expect(decodeDetail({ ...seedDetail, nodes: [node] }).nodes[0]?.node_status).toBe("Skipped_By_Policy")
    const page = decodePage({ ...pages[0]!.body, docs: [{ ...seedDoc[0], status: "QUEUED" }] })
    expect(page.docs[0]?.status).toBe("QUEUED")
  })

  it("keeps the known literals typed", () => {
    const status: Execution.Status = "COMPLETED"
    const known: ReadonlyArray<string> = Execution.statuses
    expect(known).toContain(status)
    expect(Execution.nodeStatuses).toEqual([
      "Success",
      "Ready",
      "Errored",
      "Waiting",
      "Stopped",
      "Rejected",
      "Errored_and_Skipped",
      "Timed_Out"
    ])
  })

  it("makes the fields only some docs show optional", () => {
    const { org_id: _o, linked_account_id: _l, ...older } = seedDetail
    expect(() => decodeDetail(older)).not.toThrow()
    const node = { ...(seedDetail["nodes"] as Array<object>)[0], maximum_attempts: 3, input_data: { channel: "#ops" } }
    const full = decodeDetail({
      ...seedDetail,
      _id: "6a314c54d4616e99e7fa5a02",
      createdAt: "2026-06-16T13:15:00.887Z",
      type_of_execution: "ASYNC",
      trigger_application_event: "Schedule",
      nodes: [node]
    })
    expect(full.nodes[0]?.maximum_attempts).toBe(3)
    expect(full.nodes[0]?.input_data).toEqual({ channel: "#ops" })
  })

  it("still fails on a wrong shape, naming the field", () => {
    expect(failures(Execution.Summary, { ...seedDoc[0], status: 3 })).toEqual(["status"])
    expect(failures(Execution.Summary, { ...seedDoc[0], createdAt: "yesterday" })).toEqual(["createdAt"])
    expect(failures(Execution.Detail, { ...seedDetail, nodes: [{ node_id: "1" }] })).toContain("nodes.0.node_name")
    expect(failures(Page.ExecutionPage, { ...pages[0]!.body, totalDocs: -1 })).toEqual(["totalDocs"])
  })

  it("validates ObjectIds", () => {
    expect(Schema.is(Execution.ObjectId)("65410cf6cdf931a12d7ab009")).toBe(true)
    expect(Schema.is(Execution.ObjectId)("65410cf6cdf931a12d7ab00")).toBe(false)
    expect(Schema.is(Execution.ObjectId)("zz410cf6cdf931a12d7ab009")).toBe(false)
    expect(() => Schema.decodeUnknownSync(Execution.ObjectId)("xyz")).toThrow('Expected a 24-hex-digit ObjectId, actual "xyz"')
  })
  it("knows which statuses are final: the documented ones but RUNNING and STOPPING, never an unknown one", () => {
    expect(Execution.statuses.filter(Execution.isTerminal)).toEqual(["COMPLETED", "ERRORED", "STOPPED", "TIMED_OUT"])
    expect(Execution.isTerminal("RUNNING")).toBe(false)
    expect(Execution.isTerminal("STOPPING")).toBe(false)
    expect(Execution.isTerminal("PAUSED")).toBe(false)
    expect(Execution.isTerminal("completed")).toBe(false)
  })
})
