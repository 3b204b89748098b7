/**
 * An independent model of the list endpoint: filter every record, sort, slice. Deliberately naive
 * (a scan per query) and sharing no code with the mock's indexes, so that comparing the two proves
 * the indexes.
 */
import type { Fixture } from "@refold-effect/fixtures"

export interface OracleQuery {
  readonly page: number
  readonly limit: number
  readonly status?: string
  readonly execution_source?: string
  readonly execution_type?: string
  readonly start_date?: string
  readonly end_date?: string
  readonly slug?: ReadonlyArray<string>
  readonly workflow_name?: string
  readonly workflow_id?: string
  readonly execution_id?: string
  readonly sortAsc?: boolean
}

const dayStart = (d: string) => new Date(`${d}T00:00:00.000Z`).getTime()

const lower = (bound: string) => (bound.length === 10 ? dayStart(bound) : new Date(bound).getTime())
const upper = (bound: string) => (bound.length === 10 ? dayStart(bound) + 24 * 3600 * 1000 - 1 : new Date(bound).getTime())

const aliases: Record<string, string> = { SCHEDULE: "Schedule", API_CALL: "API Call", EVENT: "Event" }

/** The records `account` would see for `query`, newest first, before paging. */
export const filtered = (records: ReadonlyArray<Fixture.Record>, account: string, query: Omit<OracleQuery, "page" | "limit">) => {
  const source = query.execution_source === undefined ? undefined : (aliases[query.execution_source] ?? query.execution_source)
  return records
    .filter((r) => r.linked_account_id === account)
    .filter((r) => query.status === undefined || query.status === "All" || r.status === query.status)
    .filter((r) => source === undefined || source === "All" || r.execution_source === source)
    .filter((r) => query.execution_type === undefined || query.execution_type === "All" || r.type_of_execution === query.execution_type)
    .filter((r) => query.start_date === undefined || new Date(r.createdAt).getTime() >= lower(query.start_date))
    .filter((r) => query.end_date === undefined || new Date(r.createdAt).getTime() <= upper(query.end_date))
    .filter((r) => query.slug === undefined || query.slug.includes(r.associated_application?.slug ?? "\u0000"))
    .filter((r) => query.workflow_name === undefined || r.associated_workflow?.name === query.workflow_name)
    .filter((r) => query.workflow_id === undefined || r.associated_workflow?._id === query.workflow_id)
    .filter((r) => query.execution_id === undefined || r._id === query.execution_id.toLowerCase())
    .sort((a, b) => (b.createdAt.localeCompare(a.createdAt) || b._id.localeCompare(a._id)) * (query.sortAsc === true ? -1 : 1))
}

/** What the list endpoint must answer: the page's ids and mongoose-paginate-v2's metadata, computed by hand. */
export const page = (records: ReadonlyArray<Fixture.Record>, account: string, query: OracleQuery) => {
  const all = filtered(records, account, query)
  const { page, limit } = query
  const totalPages = Math.max(1, Math.ceil(all.length / limit))
  return {
    ids: all.slice((page - 1) * limit, page * limit).map((r) => r._id),
    meta: {
      totalDocs: all.length,
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
}
