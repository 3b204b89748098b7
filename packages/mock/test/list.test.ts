import { describe, expect, it } from "vitest"
import { createMockApp } from "../src/index.js"
import { accounts, frozen, record, small } from "./support/data.js"
import { asAccount, kinds, useTransport } from "./support/http.js"
import * as Oracle from "./support/oracle.js"

const data = small(600)
const acme = asAccount(accounts.acme.linked_account_id)
const list = "/api/v2/public/execution"

describe.each(kinds)("GET /api/v2/public/execution (%s)", (kind) => {
  const t = useTransport(kind, () => createMockApp({ data, ...frozen }))

  it("answers the seed page's request with the documented envelope and defaults", async () => {
    const reply = await t.call(`${list}?page=1&limit=10&status=All&execution_source=All`, { headers: acme })
    expect(reply.status).toBe(200)
    const expected = Oracle.page(data.executions, accounts.acme.linked_account_id, { page: 1, limit: 10 })
    const body = reply.body as { docs: Array<{ _id: string }> }
    expect(body.docs.map((d) => d._id)).toEqual(expected.ids)
    expect(Object.keys(body)).toEqual(["docs", ...Object.keys(expected.meta)])
    expect(body).toMatchObject(expected.meta)
    const bare = await t.call(list, { headers: acme })
    expect(bare.text.replace(/"docs":\[.*\],/, "")).toBe(reply.text.replace(/"docs":\[.*\],/, ""))
    expect(bare.body).toEqual(reply.body)
  })

  it("projects each document to the summary, in the seed page's key order", async () => {
    const reply = await t.call(`${list}?start_date=2023-10-31&end_date=2023-10-31`, { headers: acme })
    const body = reply.body as { docs: Array<Record<string, unknown>>; totalDocs: number }
    expect(body.totalDocs).toBe(1)
    expect(Object.keys(body.docs[0]!)).toEqual([
      "_id", "createdAt", "name", "associated_application", "status", "associated_workflow", "environment", "config_id",
      "associated_event_id", "org_id", "linked_account_id", "trigger_application_event", "type_of_execution"
    ])
    expect(body.docs[0]).toMatchObject({
      _id: "65410cf6cdf931a12d7ab009",
      createdAt: "2023-10-31T14:19:34.788Z",
      name: "Retry for workflow 65200cfd01af0388e905ad92",
      associated_application: { icon: "https://example.com/slack.png", name: "Slack", _id: "64f6d9f33234d3d6419cfdbc", slug: "slack" },
      status: "ERRORED"
    })
    expect(reply.text).not.toContain("execution_source")
    expect(reply.text).not.toContain("nodes")
  })

  it("filters intersect, and totalDocs counts the filtered set", async () => {
    const query = { status: "ERRORED", execution_source: "Schedule", execution_type: "SYNC", start_date: "2024-03-02", end_date: "2024-03-08" }
    const reply = await t.call(`${list}?${new URLSearchParams({ ...query, limit: "3" })}`, { headers: acme })
    const expected = Oracle.page(data.executions, accounts.acme.linked_account_id, { ...query, page: 1, limit: 3 })
    const body = reply.body as { docs: Array<{ _id: string; status: string }>; totalDocs: number }
    expect(expected.meta.totalDocs).toBeGreaterThan(0)
    expect(body.totalDocs).toBe(expected.meta.totalDocs)
    expect(body.docs.map((d) => d._id)).toEqual(expected.ids)
  })

  it("accepts both spellings of execution_source, and `+` for a space", async () => {
    const bodies = await Promise.all(
      ["API%20Call", "API+Call", "API_CALL"].map((v) => t.call(`${list}?execution_source=${v}&limit=100`, { headers: acme }).then((r) => r.body))
    )
    const expected = Oracle.page(data.executions, accounts.acme.linked_account_id, { execution_source: "API Call", page: 1, limit: 100 })
    for (const body of bodies) expect((body as { docs: Array<{ _id: string }> }).docs.map((d) => d._id)).toEqual(expected.ids)
    const schedule = await t.call(`${list}?execution_source=SCHEDULE`, { headers: acme })
    expect((schedule.body as { totalDocs: number }).totalDocs).toBe(
      Oracle.filtered(data.executions, accounts.acme.linked_account_id, { execution_source: "Schedule" }).length
    )
  })

  it("answers a page past the end with no docs, hasPrevPage and prevPage = page - 1", async () => {
    const total = Oracle.filtered(data.executions, accounts.acme.linked_account_id, {}).length
    const page = Math.ceil(total / 10) + 3
    const reply = await t.call(`${list}?page=${page}`, { headers: acme })
    expect(reply.body).toEqual({
      docs: [],
      totalDocs: total,
      limit: 10,
      totalPages: Math.ceil(total / 10),
      page,
      pagingCounter: (page - 1) * 10 + 1,
      hasPrevPage: true,
      hasNextPage: false,
      prevPage: page - 1,
      nextPage: null
    })
  })

  it("answers an empty account with totalPages 1 and null neighbours", async () => {
    const reply = await t.call(list, { headers: asAccount(accounts.initech.linked_account_id) })
    expect((reply.body as { totalDocs: number }).totalDocs).toBeGreaterThan(0)
    const none = await t.call(list, { headers: asAccount("nobody@example.com") })
    expect(none.body).toEqual({
      docs: [], totalDocs: 0, limit: 10, totalPages: 1, page: 1, pagingCounter: 1,
      hasPrevPage: false, hasNextPage: false, prevPage: null, nextPage: null
    })
  })

  it("ignores unknown query parameters, as Express does", async () => {
    const plain = await t.call(`${list}?status=COMPLETED`, { headers: acme })
    const extra = await t.call(`${list}?status=COMPLETED&sortasc=true&Slug=x&Status=ERRORED&page%5Bfoo=1&%ZZ=1`, { headers: acme })
    expect(extra.body).toEqual(plain.body)
  })

  it.each([
    { slug: "hubspot" },
    { slug: "hubspot, jira" },
    { slug: "nope" },
    { workflow_name: "Daily Sync" },
    { workflow_name: "Daily Sync", slug: "slack" },
    { workflow_id: "6a106ba44480b80424a65289", status: "COMPLETED" },
    { workflow_id: "6a106ba44480b80424a65289", sortAsc: "true", limit: "4", page: "2" },
    { execution_id: "65410cf6cdf931a12d7ab009" },
    { execution_id: "65410CF6CDF931A12D7AB009", status: "ERRORED" },
    { execution_id: "65410cf6cdf931a12d7ab009", status: "COMPLETED" },
    { sortAsc: "true", limit: "7", page: "3", status: "COMPLETED" },
    { sortAsc: "false", execution_type: "SYNC", start_date: "2024-03-03", end_date: "2024-03-09" },
    { sortAsc: "true", slug: "slack,jira", start_date: "2024-03-03", end_date: "2024-03-09", limit: "3" }
  ])("filters by %j as a scan would", async (query) => {
    const reply = await t.call(`${list}?${new URLSearchParams(query)}`, { headers: acme })
    const { page, limit, slug, sortAsc, ...rest } = query as Record<string, string>
    const expected = Oracle.page(data.executions, accounts.acme.linked_account_id, {
      ...rest,
      ...(slug === undefined ? {} : { slug: slug.split(",").map((s) => s.trim()) }),
      ...(sortAsc === undefined ? {} : { sortAsc: sortAsc === "true" }),
      page: Number(page ?? 1),
      limit: Number(limit ?? 10)
    })
    const body = reply.body as { docs: Array<{ _id: string }>; totalDocs: number }
    expect(reply.status).toBe(200)
    expect({ ids: body.docs.map((d) => d._id), totalDocs: body.totalDocs }).toEqual({ ids: expected.ids, totalDocs: expected.meta.totalDocs })
  })

  it("reads an empty text filter as no filter", async () => {
    const plain = await t.call(`${list}?status=COMPLETED`, { headers: acme })
    const empty = await t.call(`${list}?status=COMPLETED&slug=&workflow_id=&workflow_name=&execution_id=`, { headers: acme })
    expect(empty.body).toEqual(plain.body)
  })

  it.each([
    ["page=0", "page"],
    ["page=-1", "page"],
    ["page=1.5", "page"],
    ["page=abc", "page"],
    ["page=", "page"],
    ["page=99999999999", "page"],
    ["limit=0", "limit"],
    ["limit=1001", "limit"],
    [`limit=${"9".repeat(5000)}`, "limit"],
    ["status=FAILED", "status"],
    ["status=errored", "status"],
    ["execution_source=Cron", "execution_source"],
    ["execution_type=BOTH", "execution_type"],
    ["start_date=2024-02-30", "start_date"],
    ["end_date=2023-13-01", "end_date"],
    ["start_date=yesterday", "start_date"],
    ["end_date=2024-03-01T25:00:00Z", "end_date"],
    ["status=%00%01", "status"],
    ["sortAsc=yes", "sortAsc"],
    [`slug=${"a".repeat(1025)}`, "slug"],
    [`workflow_id=${"a".repeat(65)}`, "workflow_id"],
    ["workflow_name=a&workflow_name=b", "workflow_name"],
    ["status=%FF%FE", "status"],
    ["status=%E0%A4%A", "status"],
    [`status=${"\u{1F600}".repeat(1000)}`, "status"],
    ["page=1&page=2", "page"],
    ["status=All&status=All", "status"],
    ["page[]=1", "page"],
    ["limit[max]=5", "limit"]
  ])("answers 400 naming the parameter for %s", async (query, name) => {
    const reply = await t.call(`${list}?${query}`, { headers: acme })
    expect(reply.status).toBe(400)
    expect(reply.body).toMatchObject({ status_code: 400, http_error_type: "BAD_REQUEST", error_code: "INVALID_QUERY_PARAMETER" })
    expect((reply.body as { message: string }).message).toContain(`"${name}"`)
    expect(reply.text.length).toBeLessThan(1000)
  })

  it("answers 400 when start_date is after end_date, naming both", async () => {
    const reply = await t.call(`${list}?start_date=2024-03-02&end_date=2024-03-01`, { headers: acme })
    expect(reply.status).toBe(400)
    expect((reply.body as { message: string }).message).toMatch(/start_date.*end_date/)
  })
})

describe.each(kinds)("date filters (%s)", (kind) => {
  const at = (id: number, createdAt: string) => record({ _id: `6a${String(id).padStart(22, "0")}`, createdAt })
  const edges = [
    at(1, "2024-02-29T23:59:59.999Z"),
    at(2, "2024-03-01T00:00:00.000Z"),
    at(3, "2024-03-01T12:00:00.000Z"),
    at(4, "2024-03-02T23:59:59.999Z"),
    at(5, "2024-03-03T00:00:00.000Z")
  ]
  const t = useTransport(kind, () => createMockApp({ data: { accounts: Object.values(accounts), executions: edges }, ...frozen }))
  const ids = async (query: string) => {
    const reply = await t.call(`${list}?${query}`, { headers: acme })
    expect(reply.status).toBe(200)
    return (reply.body as { docs: Array<{ _id: string }> }).docs.map((d) => Number(d._id.slice(2)))
  }

  it("covers whole UTC days, both ends inclusive to the millisecond", async () => {
    expect(await ids("start_date=2024-03-01&end_date=2024-03-02")).toEqual([4, 3, 2])
    expect(await ids("start_date=2024-03-01&end_date=2024-03-01")).toEqual([3, 2])
    expect(await ids("start_date=2024-03-02")).toEqual([5, 4])
    expect(await ids("end_date=2024-02-29")).toEqual([1])
    expect(await ids("start_date=2024-03-04")).toEqual([])
  })

  it("takes an ISO date-time as the instant itself", async () => {
    expect(await ids("start_date=2024-03-01T00:00:00.000Z&end_date=2024-03-02T23:59:59.999Z")).toEqual([4, 3, 2])
    expect(await ids("start_date=2024-03-01T00:00:00.001Z&end_date=2024-03-02T23:59:59.998Z")).toEqual([3])
    expect(await ids(`start_date=${encodeURIComponent("2024-03-01T13:00:00+01:00")}&end_date=2024-03-01T12:00:00Z`)).toEqual([3])
  })
})

describe.each(kinds)("ordering (%s)", (kind) => {
  const tie = "2024-03-01T12:00:00.000Z"
  const t = useTransport(kind, () =>
    createMockApp({
      ...frozen,
      data: {
        accounts: Object.values(accounts),
        executions: [
          record({ _id: "650000000000000000000002", createdAt: tie }),
          record({ _id: "650000000000000000000009", createdAt: "2024-01-01T00:00:00.000Z" }),
          record({ _id: "65000000000000000000000a", createdAt: tie }),
          record({ _id: "650000000000000000000001", createdAt: "2024-05-01T00:00:00.000Z" })
        ]
      }
    })
  )

  it("lists newest first by createdAt, ties by _id descending", async () => {
    const reply = await t.call(list, { headers: acme })
    expect((reply.body as { docs: Array<{ _id: string }> }).docs.map((d) => d._id.slice(-2))).toEqual(["01", "0a", "02", "09"])
  })
})

describe("page bodies", () => {
  it("stay as they were answered while later pages are built, small and larger than any buffer the mock reuses", async () => {
    const mock = createMockApp({ data, ...frozen })
    const queries = [
      ...Array.from({ length: 120 }, (_, i) => ({ page: (i % 20) + 1, limit: (i % 3) * 40 + 1 })),
      { page: 1, limit: 1000 },
      { page: 2, limit: 3 },
      { page: 1, limit: 1000 }
    ]
    const responses: Array<Response> = []
    for (const { page, limit } of queries) responses.push(await mock.fetch(new Request(`http://x${list}?page=${page}&limit=${limit}`, { headers: acme })))
    for (const [i, response] of responses.entries()) {
      const expected = Oracle.page(data.executions, accounts.acme.linked_account_id, queries[i]!)
      const body = (await response.json()) as { docs: Array<{ _id: string }> }
      expect(body.docs.map((d) => d._id)).toEqual(expected.ids)
      expect(body).toMatchObject(expected.meta)
    }
  })
})
