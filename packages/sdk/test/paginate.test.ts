import { describe, expect, it } from "@effect/vitest"
import { Page } from "@refold-effect/contract"
import { Chunk, Effect, Stream } from "effect"
import * as Paginate from "../src/internal/paginate.js"
import * as Samples from "./support/samples.js"

/** A live list of `total` executions, newest first, to which new ones can be added at the front. */
const liveList = (total: number) => {
  let newest = 0
  const items = Array.from({ length: total }, (_, i) => Samples.summary(i))
  return {
    arrive: (n: number) => {
      for (let k = 0; k < n; k++) {
        newest++
        items.unshift({ ...Samples.summary(100_000 + newest, new Date(Date.UTC(2024, 0, 2) + newest * 1_000).toISOString()) })
      }
    },
    page: (page: number, limit: number): Page.ExecutionPage => ({
      docs: items.slice((page - 1) * limit, page * limit),
      ...Page.meta(items.length, page, limit)
    }),
    original: items.slice()
  }
}

const walk = (fetch: (page: number) => Page.ExecutionPage, maxPages = Infinity) =>
  Effect.runSync(
    Stream.runCollect(Paginate.executions(Paginate.pages((page) => Effect.sync(() => fetch(page)), 1, maxPages)))
  ).pipe(Chunk.toReadonlyArray)

describe("Paginate.executions", () => {
  it("yields every execution once, in order, over a static list", () => {
    const list = liveList(95)
    const ids = walk((p) => list.page(p, 10)).map((e) => e._id)
    expect(ids).toEqual(list.original.map((e) => e._id))
  })

  it("does not repeat executions pushed onto later pages by new arrivals, however many arrive", () => {
    for (const arrivals of [1, 3, 10, 25]) {
      const list = liveList(60)
      const before = list.original.map((e) => e._id)
      const seen = walk((p) => {
        const page = list.page(p, 10)
        // New executions land between the first page requests (arrivals forever would never end).
        if (p <= 4) list.arrive(arrivals)
        return page
      }).map((e) => e._id)
      expect(new Set(seen).size).toBe(seen.length)
      expect(seen).toEqual(before)
    }
  })

  it("keeps executions that share a creation time with the last one emitted", () => {
    const same = "2024-01-01T00:00:00.000Z"
    const docs = Array.from({ length: 6 }, (_, i) => Samples.summary(i, same))
    const [seen, first] = Paginate.fresh(Paginate.empty, docs.slice(0, 3))
    // The next page repeats one of them (an arrival shifted it) and brings the others.
    const [, second] = Paginate.fresh(seen, docs.slice(2, 6))
    expect([...first, ...second].map((d) => d._id)).toEqual(docs.map((d) => d._id))
  })

  it("trusts only the previous page's ids once a page is out of order", () => {
    const a = Samples.summary(1, "2024-01-01T00:00:00.000Z")
    const b = Samples.summary(2, "2024-01-03T00:00:00.000Z")
    const c = Samples.summary(3, "2024-01-05T00:00:00.000Z")
    const [seen, first] = Paginate.fresh(Paginate.empty, [a, b])
    expect(first).toEqual([a, b])
    const [, second] = Paginate.fresh(seen, [b, c])
    expect(second).toEqual([c])
  })
})

describe("Paginate.pages", () => {
  const page = (n: number, meta: Partial<Page.ExecutionPage> = {}): Page.ExecutionPage => ({ ...Samples.page(n, 2, 10), ...meta })

  it("stops when nextPage does not move forward, instead of looping", () => {
    let requests = 0
    const result = walk(() => {
      requests++
      return page(1) // the server ignores `page` and always answers page 1
    })
    expect(requests).toBe(2)
    expect(result).toHaveLength(2)
  })

  it("stops after an empty page that still announces a next one", () => {
    let requests = 0
    walk((p) => {
      requests++
      return { ...page(p), docs: [] }
    })
    expect(requests).toBe(1)
  })

  it("stops at maxPages and when nextPage exceeds totalPages", () => {
    let requests = 0
    walk((p) => {
      requests++
      return page(p)
    }, 3)
    expect(requests).toBe(3)
    requests = 0
    walk((p) => {
      requests++
      return page(p, { totalPages: 1, hasNextPage: true, nextPage: 2 })
    })
    expect(requests).toBe(1)
  })

  it("reads a next page from hasNextPage when nextPage is omitted", () => {
    let requests = 0
    walk((p) => {
      requests++
      const { nextPage: _n, prevPage: _p, ...rest } = page(p)
      return rest
    })
    expect(requests).toBe(5)
  })
})
