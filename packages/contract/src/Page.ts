/**
 * The list envelope. The real API is built on mongoose-paginate-v2, so the envelope and its
 * arithmetic (including pages past the end) follow that library's `paginate` exactly.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Summary } from "./Execution.js"

const Count = Schema.Number.pipe(Schema.int(), Schema.nonNegative())

/**
 * The pagination fields of an envelope. `pagingCounter`, `hasPrevPage`, `prevPage` and `nextPage`
 * are optional on input because the vendor's newer example omits them; the mock always sends them.
 */
export const Meta = Schema.Struct({
  totalDocs: Count,
  limit: Count,
  totalPages: Count,
  page: Count,
  pagingCounter: Schema.optional(Count),
  hasPrevPage: Schema.optional(Schema.Boolean),
  hasNextPage: Schema.Boolean,
  prevPage: Schema.optional(Schema.NullOr(Count)),
  nextPage: Schema.optional(Schema.NullOr(Count))
})

/** The pagination fields, as {@link meta} computes them: every field present. */
export type FullMeta = Required<Schema.Schema.Type<typeof Meta>>

/** A page of `item`s with mongoose-paginate-v2's metadata. */
export const Page = <A, I, R>(item: Schema.Schema<A, I, R>) =>
  Schema.Struct({ docs: Schema.Array(item), ...Meta.fields })

/** A page of executions, as `GET /api/v2/public/execution` returns it. */
export const ExecutionPage = Page(Summary).annotations({ identifier: "ExecutionPage" })

/** A decoded page of executions. */
export interface ExecutionPage extends Schema.Schema.Type<typeof ExecutionPage> {}

/**
 * The metadata mongoose-paginate-v2's `paginate` returns for `totalDocs` matching documents at
 * `page` and `limit` (both positive), keys in the library's order.
 */
export const meta = (totalDocs: number, page: number, limit: number): FullMeta => {
  const totalPages = Math.ceil(totalDocs / limit) || 1
  return {
    totalDocs,
    limit,
    totalPages,
    page,
    pagingCounter: (page - 1) * limit + 1,
    hasPrevPage: page > 1,
    hasNextPage: page < totalPages,
    prevPage: page > 1 ? page - 1 : null,
    nextPage: page < totalPages ? page + 1 : null
  }
}

/**
 * The next page number of a decoded page, also when the server omitted `nextPage`. Reads only
 * `page`, `hasNextPage` and `nextPage`, so that a batch page (whose `totalPages` is optional) has it too.
 */
export const nextPage = <P extends Pick<Schema.Schema.Type<typeof Meta>, "page" | "hasNextPage" | "nextPage">>(p: P): number | null =>
  p.nextPage !== undefined ? p.nextPage : p.hasNextPage ? p.page + 1 : null
