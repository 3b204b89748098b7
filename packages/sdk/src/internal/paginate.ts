/**
 * Walking the pages of the list endpoint: a pull-based stream that reads a bounded number of pages
 * ahead of the consumer and emits them in order, with guards against metadata that would loop
 * forever, and the de-duplication that keeps a stream of executions correct when new ones arrive
 * while it is being walked.
 *
 * @internal
 */
import { type Execution, Page } from "@refold-effect/contract"
import { Effect, type Exit, Fiber, Option, Stream } from "effect"
import { NoProgress } from "../RefoldError.js"

/** What {@link stopReason} reads of a page: an execution page's envelope, or a batch page's (whose `totalPages` is optional). */
export type Paged = Pick<Page.ExecutionPage, "page" | "hasNextPage" | "nextPage"> & {
  readonly docs: ReadonlyArray<unknown>
  readonly totalPages?: number | undefined
}

/**
 * Why a walk stops after `page` (requested as `requested`), or `undefined` to go on. Besides the
 * last page, a walk stops on metadata that would loop (a next page not after the requested one, a
 * next page beyond the total, a next page after an empty one) and at `maxPages`.
 */
export const stopReason = (page: Paged, requested: number, fetched: number, maxPages: number): string | undefined => {
  const next = Page.nextPage(page)
  if (next === null) return undefined
  if (fetched >= maxPages) return "maxPages"
  if (next <= requested) return `nextPage ${next} is not after the requested page ${requested}`
  if (page.totalPages !== undefined && next > page.totalPages) return `nextPage ${next} is beyond totalPages ${page.totalPages}`
  if (page.docs.length === 0) return `page ${requested} is empty but announces page ${next}`
  return undefined
}

/** How a walk goes: where it starts, how far it may go, how many requests it keeps in flight. */
export interface Walk {
  /** The first page to fetch. */
  readonly first: number
  /** The most pages to emit (`Infinity` for no limit). */
  readonly maxPages: number
  /** The most page requests in flight at once; 1 (or less) walks page by page. */
  readonly readAhead: number
}

/** An answered page, with the tick of the walk's clock at which its answer came in. */
interface Answer {
  readonly page: Page.ExecutionPage
  readonly received: number
}

/**
 * A page request under way, with the tick at which it was sent. Its fiber never fails: it holds
 * the outcome until the page's turn comes (a failed fiber would be logged as unhandled).
 */
interface InFlight<E> {
  readonly number: number
  readonly sent: number
  readonly fiber: Fiber.RuntimeFiber<Exit.Exit<Answer, E>>
}

/**
 * The pages from `first` on, at most `maxPages`, emitted in order. Inconsistent metadata ends the
 * stream (with a warning in the log) instead of looping.
 *
 * Requests start only when the consumer pulls: the first page alone (it tells how many pages there
 * are), then up to `readAhead` pages at once, the next page and those after it, never past the
 * last page known or `maxPages`. The consumer never waits for more than the page it pulls, a
 * failure of a page read ahead surfaces only when that page's turn comes, and when the stream ends
 * (the consumer stopped, an error, an interruption) the requests still in flight are interrupted.
 *
 * Why read-ahead cannot skip an execution. The API pages by offset, newest first, and executions
 * only join a listing (there are no deletions), so an execution's offset only ever grows, by the
 * number of executions that joined before it: an arrival pushes executions toward later pages,
 * never earlier ones. Fetched one after the other, page n + 1 is answered after page n, so an
 * execution that page n missed because it was pushed past it is still at or past page n + 1's
 * start: it can be repeated (the de-duplication of {@link executions} drops it), never skipped.
 * Fetched at once, page n + 1 may be answered *before* page n: an execution pushed off page n
 * between the two answers was not yet on the older page n + 1, and would be skipped. `totalDocs`
 * tells the two apart, as it only grows: page n + 1 answered no earlier than page n has at least
 * page n's `totalDocs`, and an equal count means nothing joined between the two answers, so they
 * are consistent. So a page read ahead is kept when its `totalDocs` is at least its predecessor's;
 * otherwise it may be older, and it is fetched again, now that its predecessor has been answered,
 * along with the pages read ahead after it. A page requested only after its predecessor's answer
 * came is consistent with it by construction. Should a listing shrink all the same (a `status`
 * filter loses executions that change status), `totalDocs` no longer orders the answers: the rest
 * of the walk goes page by page.
 */
export const pages = <E>(
  fetch: (page: number) => Effect.Effect<Page.ExecutionPage, E>,
  walk: Walk
): Stream.Stream<Page.ExecutionPage, E> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const scope = yield* Effect.scope
    let readAhead = Math.max(1, walk.readAhead)
    // Orders sending and receiving: a request sent after an answer has a larger tick.
    let clock = 0
    let next: number | undefined = walk.first
    let emitted = 0
    let previous: { readonly totalDocs: number; readonly totalPages: number; readonly received: number } | undefined
    let inFlight: Array<InFlight<E>> = []

    const send = (number: number) =>
      Effect.suspend(() => {
        const sent = ++clock
        return Effect.map(
          Effect.forkIn(Effect.exit(Effect.map(fetch(number), (page): Answer => ({ page, received: ++clock }))), scope),
          (fiber): InFlight<E> => ({ number, sent, fiber })
        )
      })

    // Waits for the interrupted requests to end, so that no more than `readAhead` are ever in flight.
    const discard = Effect.suspend(() => {
      const stale = inFlight
      inFlight = []
      return Fiber.interruptAll(stale.map((request) => request.fiber))
    })

    /** Requests the page `page` and those after it, up to `readAhead` in flight. */
    const fill = (page: number) =>
      Effect.gen(function*() {
        if (inFlight[0]?.number !== page) yield* discard
        const known = previous === undefined ? page : previous.totalPages
        const last = Math.max(page, Math.min(known, page + (walk.maxPages - emitted) - 1, page + readAhead - 1))
        for (let number = (inFlight.at(-1)?.number ?? page - 1) + 1; number <= last; number++) {
          inFlight.push(yield* send(number))
        }
      })

    /** The answer for page `page`, consistent with the page before it (see above). */
    const take = (page: number): Effect.Effect<Answer, E> =>
      Effect.gen(function*() {
        yield* fill(page)
        const request = inFlight.shift()!
        const answer = yield* Effect.flatten(Fiber.join(request.fiber))
        if (previous === undefined || answer.page.totalDocs >= previous.totalDocs) return answer
        if (request.sent > previous.received) {
          // Answered after its predecessor and smaller all the same: the listing shrank.
          readAhead = 1
          yield* discard
          return answer
        }
        yield* discard
        return yield* take(page)
      })

    const pull = Effect.gen(function*() {
      if (next === undefined) return yield* Effect.fail(Option.none())
      const requested = next
      const { page, received } = yield* Effect.mapError(take(requested), Option.some)
      emitted++
      previous = { totalDocs: page.totalDocs, totalPages: page.totalPages, received }
      const reason = stopReason(page, requested, emitted, walk.maxPages)
      const following = Page.nextPage(page)
      next = following === null || reason !== undefined ? undefined : following
      if (reason !== undefined && reason !== "maxPages") yield* Effect.logWarning(`Refold pagination stopped: ${reason}`)
      if (next === undefined) yield* discard
      return page
    })

    return Stream.repeatEffectOption(pull)
  }))

/**
 * What a walk has emitted, as much as de-duplication needs: the oldest creation time emitted
 * (`watermark`), the ids emitted at exactly that time, the ids of the previous page, and whether
 * every page so far was in newest-first order (`ordered`).
 */
export interface Seen {
  readonly ordered: boolean
  readonly watermark: number | undefined
  readonly ties: ReadonlySet<string>
  readonly previous: ReadonlySet<string>
}

/** Nothing emitted yet. */
export const empty: Seen = { ordered: true, watermark: undefined, ties: new Set(), previous: new Set() }

const time = (doc: Execution.Summary) => Date.parse(doc.createdAt)

/**
 * The executions of `docs` not emitted before, and the new state. The API lists newest first, so an
 * execution created after the watermark (or at it, with an id already emitted) was pushed down into
 * this page by executions that arrived during the walk: it was emitted already and is dropped. That
 * holds however many arrive. Once a page is not in newest-first order the order is not trusted for
 * the rest of the walk, and documents are only checked against the previous page's ids.
 */
export const fresh = (seen: Seen, docs: ReadonlyArray<Execution.Summary>): readonly [Seen, ReadonlyArray<Execution.Summary>] => {
  const ordered = seen.ordered && docs.every((doc, i) => i === 0 || time(doc) <= time(docs[i - 1]!))
  const kept: Array<Execution.Summary> = []
  let watermark = seen.watermark
  let ties = new Set(seen.ties)
  for (const doc of docs) {
    const t = time(doc)
    const duplicate = ordered
      ? watermark !== undefined && (t > watermark || (t === watermark && ties.has(doc._id)))
      : seen.previous.has(doc._id)
    if (duplicate) continue
    kept.push(doc)
    if (watermark === undefined || t < watermark) {
      watermark = t
      ties = new Set([doc._id])
    } else if (t === watermark) {
      ties.add(doc._id)
    }
  }
  return [{ ordered, watermark, ties, previous: new Set(docs.map((doc) => doc._id)) }, kept]
}

/**
 * Pages in a row that repeat the page before them, while the listing did not grow, before a walk
 * gives up with {@link NoProgress}.
 */
export const maxStalledPages = 10

/**
 * Every execution of a stream of pages, once each. Fails with {@link NoProgress} after
 * {@link maxStalledPages} pages in a row that repeat the executions of the page before them
 * although `totalDocs` did not grow (pages that repeat while `nextPage` advances), instead of
 * walking on without emitting anything. Arrivals, which push executions already emitted onto later
 * pages, grow `totalDocs` and bring other ids, so a busy listing never counts as stalled.
 */
export const executions = <E>(self: Stream.Stream<Page.ExecutionPage, E>): Stream.Stream<Execution.Summary, E | NoProgress> =>
  self.pipe(
    Stream.mapAccum({ seen: empty, stalled: 0, totalDocs: -1 }, ({ seen, stalled, totalDocs }, page) => {
      const [next, kept] = fresh(seen, page.docs)
      const repeated = kept.length === 0 && page.docs.length > 0 && page.totalDocs <= totalDocs &&
        page.docs.every((doc) => seen.previous.has(doc._id))
      const now = repeated ? stalled + 1 : 0
      return [{ seen: next, stalled: now, totalDocs: page.totalDocs }, { kept, stalled: now, page: page.page }] as const
    }),
    Stream.mapEffect(({ kept, page, stalled }) =>
      stalled >= maxStalledPages
        ? Effect.fail(
          new NoProgress({
            pages: stalled,
            message: `Pagination made no progress: ${stalled} pages in a row, up to page ${page}, held no new execution while nextPage kept advancing`
          })
        )
        : Effect.succeed(kept)
    ),
    Stream.flattenIterables
  )
