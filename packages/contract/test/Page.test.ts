import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { Page } from "../src/index.js"
import { examples } from "./support/vendorDocs.js"

describe("Page.meta", () => {
  it("reproduces the seed page's envelope, keys in mongoose-paginate-v2's order", () => {
    const { docs: _docs, ...seed } = examples().find((e) => e.file === "list-executions.seed.txt")!.body
    const meta = Page.meta(1, 1, 10)
    expect(meta).toEqual(seed)
    expect(Object.keys(meta)).toEqual(Object.keys(seed))
  })

  it("answers an empty result with one page", () => {
    expect(Page.meta(0, 1, 10)).toEqual({
      totalDocs: 0,
      limit: 10,
      totalPages: 1,
      page: 1,
      pagingCounter: 1,
      hasPrevPage: false,
      hasNextPage: false,
      prevPage: null,
      nextPage: null
    })
  })

  it("answers a page past the end with a previous page and no next", () => {
    expect(Page.meta(25, 7, 10)).toMatchObject({
      totalPages: 3,
      page: 7,
      pagingCounter: 61,
      hasPrevPage: true,
      prevPage: 6,
      hasNextPage: false,
      nextPage: null
    })
  })

  it("agrees with walking the pages one by one", () => {
    fc.assert(
      fc.property(fc.nat(5000), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 60 }), (total, limit, page) => {
        const m = Page.meta(total, page, limit)
        const pages = Math.max(1, Math.ceil(total / limit))
        expect(m.totalPages).toBe(pages)
        expect(m.pagingCounter).toBe((page - 1) * limit + 1)
        expect(m.nextPage).toBe(page < pages ? page + 1 : null)
        expect(m.prevPage).toBe(page > 1 ? page - 1 : null)
        expect(m.hasNextPage).toBe(m.nextPage !== null)
        expect(m.hasPrevPage).toBe(m.prevPage !== null)
      })
    )
  })

  it("finds the next page also when the server omits nextPage", () => {
    expect(Page.nextPage({ totalDocs: 30, limit: 10, totalPages: 3, page: 1, hasNextPage: true })).toBe(2)
    expect(Page.nextPage({ totalDocs: 30, limit: 10, totalPages: 3, page: 3, hasNextPage: false })).toBeNull()
    expect(Page.nextPage(Page.meta(30, 2, 10))).toBe(3)
  })
})
