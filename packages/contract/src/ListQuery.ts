/**
 * The query string of `GET /api/v2/public/execution`: page, limit and the documented filters, those
 * of the docs pages (status, source, type, dates) and those only the OpenAPI document lists (`slug`,
 * `workflow_name`, `workflow_id`, `execution_id`, `sortAsc`).
 *
 * Both sides of the vendor's docs are accepted on input: `execution_source` as `API Call` or
 * `API_CALL`, `Schedule` or `SCHEDULE`; `start_date`/`end_date` as `YYYY-MM-DD` (the docs pages) or
 * as an ISO 8601 date-time (the OpenAPI document). Decoding normalises sources to the canonical
 * spelling of the docs pages (`Event`, `Schedule`, `API Call`), which is also what encoding sends.
 *
 * Every rejected value fails with a message that names the parameter, so that a server can answer
 * 400 with it as it is.
 *
 * @since 0.1.0
 */
import { Either, ParseResult, Schema } from "effect"
import { sources, statuses, types, type Source } from "./Execution.js"
import { booleanString, boundedInt, choice, invalid, text } from "./internal/param.js"

/** Largest accepted `page`: beyond it a request is refused rather than answered with nonsense. */
export const MAX_PAGE = 1_000_000_000

/**
 * Largest accepted `limit`. The vendor's current pages state no maximum (an older draft capped it at
 * 100); 1000 keeps a single response bounded while allowing every documented use.
 */
export const MAX_LIMIT = 1000

/** Defaults the API applies when a parameter is absent. */
export const defaults = {
  page: 1,
  limit: 10,
  status: "All",
  execution_source: "All",
  execution_type: "All",
  sortAsc: false
} as const

/** Longest accepted value of the text filters, in characters. */
export const MAX_TEXT = {
  slug: 1024,
  workflow_name: 256,
  workflow_id: 64,
  execution_id: 64
} as const

/** Source spellings from the vendor's OpenAPI document, mapped to the canonical docs spelling. */
const sourceAliases: Record<string, Source> = { SCHEDULE: "Schedule", API_CALL: "API Call", EVENT: "Event" }

const SourceParam = Schema.transform(
  Schema.Literal("All", ...sources, ...(Object.keys(sourceAliases) as ["SCHEDULE", "API_CALL", "EVENT"])).annotations({
    message: invalid("execution_source", `one of All, ${sources.join(", ")} (or SCHEDULE, API_CALL)`),
    description:
      "Filter by trigger source; `All` (default) for every source. `SCHEDULE` and `API_CALL` (the spelling of the vendor's OpenAPI document) are accepted as aliases."
  }),
  Schema.Literal("All", ...sources),
  {
    strict: true,
    decode: (s) => (s in sourceAliases ? sourceAliases[s]! : (s as "All" | Source)),
    encode: (s) => s
  }
)

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)$/

const isCalendarDay = (y: number, m: number, d: number) => {
  const t = new Date(Date.UTC(y, m - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d
}

/** `true` when `s` is a real calendar day (`YYYY-MM-DD`) or a valid ISO 8601 date-time. */
export const isDateBound = (s: string): boolean => {
  const m = DAY.exec(s) ?? DATE_TIME.exec(s)
  return m !== null && isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3])) && !Number.isNaN(Date.parse(s))
}

const dateParam = (name: string, description: string) =>
  Schema.String.annotations({ description }).pipe(
    Schema.filter(isDateBound),
    Schema.annotations({ message: invalid(name, "a date as YYYY-MM-DD or an ISO 8601 date-time") })
  )

/** The date bounds of a query, as strings accepted by {@link isDateBound}. */
export interface DateBounds {
  readonly start_date?: string | undefined
  readonly end_date?: string | undefined
}

/**
 * The query parameters one by one, before the check that spans two of them (`start_date` not after
 * `end_date`). The `HttpApi` definition documents these; servers decode with {@link ListQuery}.
 */
export const Params = Schema.Struct({
  page: Schema.optional(boundedInt("page", MAX_PAGE)),
  limit: Schema.optional(boundedInt("limit", MAX_LIMIT)),
  status: Schema.optional(choice("status", ["All", ...statuses], "Filter by execution status; `All` (default) for every status.")),
  execution_source: Schema.optional(SourceParam),
  execution_type: Schema.optional(
    choice("execution_type", ["All", ...types], "Filter by execution mode; `All` (default) for both.")
  ),
  start_date: Schema.optional(
    dateParam("start_date", "Executions created on or after this UTC day (`YYYY-MM-DD`, canonical) or instant (ISO 8601).")
  ),
  end_date: Schema.optional(
    dateParam("end_date", "Executions created on or before this UTC day (`YYYY-MM-DD`, canonical; the whole day) or instant (ISO 8601).")
  ),
  slug: Schema.optional(
    text("slug", MAX_TEXT.slug, "Comma-separated application slugs (`slack,hubspot`): executions of any of these applications. Empty: no filter.")
  ),
  workflow_name: Schema.optional(
    text("workflow_name", MAX_TEXT.workflow_name, "Executions of the workflow with exactly this name (case-sensitive). Empty: no filter.")
  ),
  workflow_id: Schema.optional(
    text("workflow_id", MAX_TEXT.workflow_id, "Executions of the workflow with this `_id`. Empty: no filter.")
  ),
  execution_id: Schema.optional(
    text("execution_id", MAX_TEXT.execution_id, "The execution with this `_id` (a page of at most one). Empty: no filter.")
  ),
  sortAsc: Schema.optional(
    booleanString("sortAsc", "`true`: oldest first; `false` (default): newest first, by `createdAt`.")
  )
})

/**
 * The list endpoint's query: strings on the wire, numbers and canonical literals once decoded.
 * Absent parameters stay absent; {@link resolve} applies the API's defaults.
 */
export const ListQuery = Params.pipe(
  Schema.filter((q) => {
    const { from, to } = dateRange(q)
    return from === undefined || to === undefined || from <= to ||
      `Invalid query parameters: start_date (${q.start_date}) is after end_date (${q.end_date})`
  }),
  Schema.annotations({ identifier: "ListExecutionsQuery" })
)

/** A decoded list query. */
export interface ListQuery extends Schema.Schema.Type<typeof ListQuery> {}

/** A list query as it travels in the URL. */
export type Encoded = Schema.Schema.Encoded<typeof ListQuery>

/** A list query with the API's defaults filled in: every filter present, the dates optional. */
export interface Resolved {
  readonly page: number
  readonly limit: number
  readonly status: NonNullable<ListQuery["status"]>
  readonly execution_source: NonNullable<ListQuery["execution_source"]>
  readonly execution_type: NonNullable<ListQuery["execution_type"]>
  readonly start_date?: string | undefined
  readonly end_date?: string | undefined
  /** The application slugs of `slug`, split, trimmed, without empties and repeats; absent when none. */
  readonly slug?: ReadonlyArray<string> | undefined
  readonly workflow_name?: string | undefined
  readonly workflow_id?: string | undefined
  readonly execution_id?: string | undefined
  /** `true`: oldest first. */
  readonly sortAsc: boolean
}

/**
 * The slugs of a `slug` parameter (`"slack, hubspot,,slack"` is `["slack", "hubspot"]`), in the
 * order given: split at commas, trimmed, without empties and repeats.
 */
export const slugs = (slug: string): ReadonlyArray<string> => [...new Set(slug.split(",").map((s) => s.trim()).filter((s) => s !== ""))]

/** Fills in the API's defaults for absent parameters; an empty text filter is no filter. */
export const resolve = (q: ListQuery): Resolved => ({
  page: q.page ?? defaults.page,
  limit: q.limit ?? defaults.limit,
  status: q.status ?? defaults.status,
  execution_source: q.execution_source ?? defaults.execution_source,
  execution_type: q.execution_type ?? defaults.execution_type,
  ...(q.start_date === undefined ? {} : { start_date: q.start_date }),
  ...(q.end_date === undefined ? {} : { end_date: q.end_date }),
  ...(q.slug === undefined || slugs(q.slug).length === 0 ? {} : { slug: slugs(q.slug) }),
  ...(q.workflow_name === undefined || q.workflow_name === "" ? {} : { workflow_name: q.workflow_name }),
  ...(q.workflow_id === undefined || q.workflow_id === "" ? {} : { workflow_id: q.workflow_id }),
  ...(q.execution_id === undefined || q.execution_id === "" ? {} : { execution_id: q.execution_id }),
  sortAsc: q.sortAsc ?? defaults.sortAsc
})

/**
 * The creation-time window a query selects, in epoch milliseconds, both ends inclusive. A day
 * (`YYYY-MM-DD`) covers the whole UTC day, from 00:00:00.000 to 23:59:59.999; a date-time is the
 * instant itself.
 */
export const dateRange = (q: DateBounds): { readonly from?: number; readonly to?: number } => {
  const from = q.start_date === undefined ? undefined : Date.parse(DAY.test(q.start_date) ? `${q.start_date}T00:00:00.000Z` : q.start_date)
  const to = q.end_date === undefined ? undefined : DAY.test(q.end_date) ? Date.parse(`${q.end_date}T00:00:00.000Z`) + 86_399_999 : Date.parse(q.end_date)
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) }
}

/** Why a query was refused: the parameter at fault (absent when the fault spans two) and a sentence. */
export interface Invalid {
  readonly parameter: string | undefined
  readonly message: string
}

const decodeEither = Schema.decodeUnknownEither(ListQuery, { errors: "first", onExcessProperty: "ignore" })

/**
 * Why a query schema refused its input, as {@link Invalid}: the issue a parameter's own check words
 * (`Invalid query parameter "limit": …`), else the first; `fallback` when there is none.
 */
export const explain = (error: ParseResult.ParseError, fallback: string): Invalid => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const issue = issues.find((i) => i.message.startsWith("Invalid query parameter")) ?? issues[0]
  const parameter = issue?.path[0]
  return { parameter: typeof parameter === "string" ? parameter : undefined, message: issue?.message ?? fallback }
}

/**
 * Decodes a URL's query parameters (already split into single strings) into a {@link ListQuery},
 * or explains in one sentence, naming the parameter, why not. Unknown parameters are ignored.
 */
export const decode = (input: unknown): Either.Either<ListQuery, Invalid> =>
  Either.mapLeft(decodeEither(input), (error) => explain(error, "Invalid query parameters"))

/** Encodes a {@link ListQuery} to the strings that travel in the URL. */
export const encode = Schema.encodeSync(ListQuery)
