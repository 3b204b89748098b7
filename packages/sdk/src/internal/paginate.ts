/**
 * Walking the pages of the list endpoint: a pull-based stream that fetches a page only when the
 * consumer asks for it, with guards against metadata that would loop forever, and the de-duplication
 * that keeps a stream of executions correct when new ones arrive while it is being walked.
 *
 * @internal
 */
import { type Execution, Page } from "@refold-effect/contract"
import { Effect, Option, Stream } from "effect"

/** Where a walk stands: the page to ask for next and how many have been fetched. */
interface Cursor {
  readonly page: number
  readonly fetched: number
}

/**
 * Why a walk stops after `page` (requested as `requested`), or `undefined` to go on. Besides the
 * last page, a walk stops on metadata that would loop (a next page not after the requested one, a
 * next page beyond the total, a next page after an empty one) and at `maxPages`.
 */
export const stopReason = (page: Page.ExecutionPage, requested: number, fetched: number, maxPages: number): string | undefined => {
  const next = Page.nextPage(page)
  if (next === null) return undefined
  if (fetched >= maxPages) return "maxPages"
  if (next <= requested) return `nextPage ${next} is not after the requested page ${requested}`
  if (next > page.totalPages) return `nextPage ${next} is beyond totalPages ${page.totalPages}`
  if (page.docs.length === 0) return `page ${requested} is empty but announces page ${next}`
  return undefined
}

/**
 * The pages from `first` on, fetched one at a time as the consumer pulls, at most `maxPages`.
 * Inconsistent metadata ends the stream (with a warning in the log) instead of looping.
 */
export const pages = <E>(
  fetch: (page: number) => Effect.Effect<Page.ExecutionPage, E>,
  first: number,
  maxPages: number
): Stream.Stream<Page.ExecutionPage, E> =>
  Stream.paginateEffect({ page: first, fetched: 0 } as Cursor, (cursor) =>
    fetch(cursor.page).pipe(
      Effect.flatMap((page) => {
        const fetched = cursor.fetched + 1
        const reason = stopReason(page, cursor.page, fetched, maxPages)
        const next = Page.nextPage(page)
        const done = Effect.succeed([page, Option.none<Cursor>()] as const)
        if (next === null || reason === "maxPages") return done
        if (reason !== undefined) {
          return Effect.as(Effect.logWarning(`Refold pagination stopped: ${reason}`), [page, Option.none<Cursor>()] as const)
        }
        return Effect.succeed([page, Option.some<Cursor>({ page: next, fetched })] as const)
      })
    ))

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

/** Every execution of a stream of pages, once each. */
export const executions = <E>(self: Stream.Stream<Page.ExecutionPage, E>): Stream.Stream<Execution.Summary, E> =>
  self.pipe(
    Stream.mapAccum(empty, (seen, page) => fresh(seen, page.docs)),
    Stream.flattenIterables
  )
