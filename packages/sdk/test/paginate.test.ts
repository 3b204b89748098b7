import { describe, expect, it } from "@effect/vitest"
import { Page } from "@refold-effect/contract"
import { Chunk, Deferred, Effect, FastCheck as fc, Stream } from "effect"
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
    /** Drops the execution at this offset, as a listing filtered by status loses one that changes status. */
    remove: (offset: number) => {
      items.splice(offset, 1)
    },
    page: (page: number, limit: number): Page.ExecutionPage => ({
      docs: items.slice((page - 1) * limit, page * limit),
      ...Page.meta(items.length, page, limit)
    }),
    original: items.slice()
  }
}

/** A page-by-page walk over a synchronous server (read-ahead is tested below, over one that takes turns). */
const walk = (fetch: (page: number) => Page.ExecutionPage, maxPages = Infinity) =>
  Effect.runSync(
    Stream.runCollect(Paginate.executions(Paginate.pages((page) => Effect.sync(() => fetch(page)), { first: 1, maxPages, readAhead: 1 })))
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

/**
 * A server over a live list whose answers interleave: each request runs `before(page, n)` (`n`
 * counts the requests for that page) before its answer is computed from the list as it is then,
 * so a test decides which answer comes first and what arrives in between. It counts the requests
 * in flight at once.
 */
const interleaved = (
  list: ReturnType<typeof liveList>,
  limit: number,
  before: (page: number, n: number) => Effect.Effect<void> = () => Effect.void
) => {
  const requested: Array<number> = []
  let inFlight = 0
  let maxInFlight = 0
  const fetch = (page: number) =>
    Effect.suspend(() => {
      requested.push(page)
      const n = requested.filter((p) => p === page).length
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      return before(page, n).pipe(
        Effect.andThen(Effect.sync(() => list.page(page, limit))),
        Effect.ensuring(Effect.sync(() => inFlight--))
      )
    })
  return { fetch, requested, maxInFlight: () => maxInFlight }
}

const collect = <E>(pages: Stream.Stream<Page.ExecutionPage, E>) =>
  Stream.runCollect(Paginate.executions(pages)).pipe(Effect.map((c) => Chunk.toReadonlyArray(c).map((e) => e._id)))

describe("Paginate.pages with read-ahead", () => {
  it.effect("keeps up to readAhead requests in flight and emits the pages in order", () =>
    Effect.gen(function*() {
      const list = liveList(95)
      // Later pages answer first: each page waits for a few turns fewer than the one before it.
      const server = interleaved(list, 10, (page) => Effect.repeatN(Effect.yieldNow(), Math.max(0, 20 - 2 * page)))
      const ids = yield* collect(Paginate.pages(server.fetch, { first: 1, maxPages: Infinity, readAhead: 4 }))
      expect(ids).toEqual(list.original.map((e) => e._id))
      expect(server.maxInFlight()).toBe(4)
      expect(server.requested).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    }))

  it.effect("never reads past the last page known nor past maxPages", () =>
    Effect.gen(function*() {
      const server = interleaved(liveList(25), 10)
      yield* collect(Paginate.pages(server.fetch, { first: 1, maxPages: Infinity, readAhead: 8 }))
      expect(server.requested).toEqual([1, 2, 3])
      const capped = interleaved(liveList(95), 10)
      yield* collect(Paginate.pages(capped.fetch, { first: 2, maxPages: 3, readAhead: 8 }))
      expect(capped.requested).toEqual([2, 3, 4])
    }))

  it.effect("does not skip an execution pushed off a page that is answered after the page read ahead of it", () =>
    Effect.gen(function*() {
      const list = liveList(60)
      const page3Answered = yield* Deferred.make<void>()
      // Page 3 is answered at once; page 2 only after it, and two executions arrive in between:
      // page 2 then holds what page 1 ended with, and the two it pushed out are not on page 3 (older).
      const server = interleaved(list, 10, (page, n) =>
        page === 2 && n === 1
          ? Effect.andThen(Deferred.await(page3Answered), Effect.sync(() => list.arrive(2)))
          : page === 3 && n === 1
          ? Effect.andThen(Effect.yieldNow(), Deferred.succeed(page3Answered, undefined))
          : Effect.void)
      const ids = yield* collect(Paginate.pages(server.fetch, { first: 1, maxPages: Infinity, readAhead: 4 }))
      expect(ids).toEqual(list.original.map((e) => e._id))
      // Page 3 was fetched again after page 2's answer, and so were the pages read ahead after it.
      expect(server.requested.slice(0, 5)).toEqual([1, 2, 3, 4, 5])
      expect(server.requested.filter((p) => p === 3)).toHaveLength(2)
    }))

  it.effect.prop(
    "yields every execution there at the start once, newest first, however answers and arrivals interleave",
    {
      total: fc.integer({ min: 0, max: 70 }),
      limit: fc.integer({ min: 1, max: 12 }),
      readAhead: fc.integer({ min: 1, max: 6 }),
      // Per request: turns to wait before answering, executions arriving when it is received and
      // just before it is answered.
      plans: fc.array(
        fc.record({ turns: fc.nat(12), onReceive: fc.nat(3), onAnswer: fc.nat(3) }),
        { minLength: 1, maxLength: 40 }
      )
    },
    ({ limit, plans, readAhead, total }) =>
      Effect.gen(function*() {
        const list = liveList(total)
        let requests = 0
        // Arrivals stop after the plans run out, so the walk ends.
        const server = interleaved(list, limit, () => {
          const plan = plans[requests++]
          if (plan === undefined) return Effect.void
          list.arrive(plan.onReceive)
          return Effect.repeatN(Effect.yieldNow(), plan.turns).pipe(Effect.andThen(Effect.sync(() => list.arrive(plan.onAnswer))))
        })
        const ids = yield* collect(Paginate.pages(server.fetch, { first: 1, maxPages: Infinity, readAhead }))
        const original = new Set(list.original.map((e) => e._id))
        expect(new Set(ids).size).toBe(ids.length)
        expect(ids.filter((id) => original.has(id))).toEqual(list.original.map((e) => e._id))
        expect(server.maxInFlight()).toBeLessThanOrEqual(readAhead)
      }),
    { fastCheck: { numRuns: 200 } }
  )

  it.effect("goes page by page once the listing shrinks, as totalDocs then no longer orders the answers", () =>
    Effect.gen(function*() {
      const list = liveList(60)
      const server = interleaved(list, 10, (page, n) =>
        Effect.andThen(Effect.yieldNow(), page === 2 && n === 1 ? Effect.sync(() => list.remove(3)) : Effect.void))
      yield* collect(Paginate.pages(server.fetch, { first: 1, maxPages: Infinity, readAhead: 4 }))
      expect(server.maxInFlight()).toBe(4)
      // Pages 2 to 5 were read ahead; page 3 comes back smaller, fetched again after page 2; from there on, one at a time.
      expect(server.requested).toEqual([1, 2, 3, 4, 5, 3, 4, 5, 6])
    }))

  it.effect("a failure of a page read ahead surfaces only after the pages before it", () =>
    Effect.gen(function*() {
      const list = liveList(60)
      const page3Failed = yield* Deferred.make<void>()
      const emitted: Array<string> = []
      const fetch = (page: number) =>
        page === 3
          ? Effect.andThen(Deferred.succeed(page3Failed, undefined), Effect.fail("page 3 failed" as const))
          : page === 2
          ? Effect.andThen(Deferred.await(page3Failed), Effect.sync(() => list.page(page, 10)))
          : Effect.sync(() => list.page(page, 10))
      const error = yield* Paginate.executions(Paginate.pages(fetch, { first: 1, maxPages: Infinity, readAhead: 4 })).pipe(
        Stream.runForEach((e) => Effect.sync(() => emitted.push(e._id))),
        Effect.flip
      )
      expect(error).toBe("page 3 failed")
      expect(emitted).toEqual(list.original.slice(0, 20).map((e) => e._id))
    }))
})
