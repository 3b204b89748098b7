/**
 * The vendor's documented requests (the seed pages' curl commands, host swapped) against the
 * bundled data set, in-process and over TCP: they answer as the docs show.
 */
import { DataSet, Examples } from "@refold-effect/fixtures"
import { describe, expect, it } from "vitest"
import { createMockApp } from "../src/index.js"
import { asAccount, kinds, useTransport } from "./support/http.js"
import { frozen } from "./support/data.js"

const headers = asAccount("user_12345", "YOUR_API_KEY")
const bundled = DataSet.bundled()

describe.each(kinds)("the seed pages' requests against the bundled data (%s)", (kind) => {
  const t = useTransport(kind, () => createMockApp(frozen))

  it("lists page 1 of user_12345 for ?page=1&limit=10&status=All&execution_source=All", async () => {
    const reply = await t.call("/api/v2/public/execution?page=1&limit=10&status=All&execution_source=All", { headers })
    expect(reply.status).toBe(200)
    const own = bundled.executions.filter((r) => r.linked_account_id === "user_12345")
    const body = reply.body as { docs: Array<{ createdAt: string; linked_account_id: string }> }
    expect(Object.keys(body)).toEqual(["docs", "totalDocs", "limit", "totalPages", "page", "pagingCounter", "hasPrevPage", "hasNextPage", "prevPage", "nextPage"])
    expect(body).toMatchObject({
      totalDocs: own.length,
      limit: 10,
      totalPages: Math.ceil(own.length / 10),
      page: 1,
      pagingCounter: 1,
      hasPrevPage: false,
      hasNextPage: own.length > 10,
      prevPage: null,
      nextPage: own.length > 10 ? 2 : null
    })
    expect(body.docs).toHaveLength(Math.min(10, own.length))
    expect(body.docs.map((d) => d.createdAt)).toEqual([...body.docs.map((d) => d.createdAt)].sort().reverse())
    expect(body.docs.every((d) => d.linked_account_id === "user_12345")).toBe(true)
  })

  it("lists the seed page's document exactly as documented, keys in the documented order", async () => {
    const reply = await t.call("/api/v2/public/execution?start_date=2023-10-31&end_date=2023-10-31", { headers })
    const body = reply.body as { docs: Array<Record<string, unknown>>; totalDocs: number }
    expect(body.totalDocs).toBe(1)
    const documented = Object.entries(Examples.listDoc)
    // The application also carries its slug (for the `slug` filter), which the page does not show.
    const { slug, ...application } = body.docs[0]!["associated_application"] as Record<string, unknown>
    expect(slug).toBe("slack")
    expect(Object.entries({ ...body.docs[0]!, associated_application: application }).slice(0, documented.length)).toEqual(documented)
  })

  it("gets 65410cf6cdf931a12d7ab009 with the documented fields and its nodes", async () => {
    const reply = await t.call("/api/v2/public/execution/65410cf6cdf931a12d7ab009", { headers })
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject(Examples.listDoc)
    expect((reply.body as { nodes: Array<unknown> }).nodes.length).toBeGreaterThan(0)
  })

  it("gets 6a314c54d4616e99e7fa5a02 as the get page's example, and lists it as the newer list page's", async () => {
    const reply = await t.call("/api/v2/public/execution/6a314c54d4616e99e7fa5a02", { headers })
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject(Examples.detail)
    const listed = await t.call("/api/v2/public/execution?start_date=2026-06-16T13:15:00.887Z&end_date=2026-06-16T13:15:00.887Z", { headers })
    expect((listed.body as { docs: Array<unknown> }).docs).toEqual([
      expect.objectContaining({ ...Examples.newerListDoc, associated_application: { ...Examples.newerListDoc.associated_application, slug: "hubspot" } })
    ])
  })

  it("answers the documented 404, and the session-token variants of the requests", async () => {
    const missing = await t.call("/api/v2/public/execution/65410cf6cdf931a12d7ab000", { headers })
    expect(missing.body).toEqual({
      status_code: 404,
      http_error_type: "NOT_FOUND",
      error_code: "RESOURCE_NOT_FOUND",
      message: "Execution not found",
      request_id: missing.headers.get("x-request-id")
    })
    const token = bundled.accounts.find((a) => a.linked_account_id === "user_12345")!.session_tokens[0]!
    const viaToken = await t.call("/api/v2/public/execution?limit=10", { headers: { Authorization: `Bearer ${token}` } })
    const viaKey = await t.call("/api/v2/public/execution?limit=10", { headers })
    expect(viaToken.body).toEqual(viaKey.body)
    const statusFiltered = await t.call("/api/v2/public/execution?status=COMPLETED&limit=10", { headers })
    expect((statusFiltered.body as { docs: Array<{ status: string }> }).docs.every((d) => d.status === "COMPLETED")).toBe(true)
  })
})
