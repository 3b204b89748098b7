/**
 * The parameters of a list request, in the API's own vocabulary: the names are the query
 * parameters the vendor documents (`execution_source`, `start_date`, …), the same snake_case as
 * the fields of the executions they filter, so that the vendor's docs apply as they are.
 *
 * Two conveniences on top of the wire format: the dates also accept a `Date` (a UTC midnight is
 * sent as the day, `YYYY-MM-DD`, which the API reads as the whole day; any other instant as an ISO
 * 8601 date-time), and `execution_source` also accepts the OpenAPI spelling (`SCHEDULE`,
 * `API_CALL`). Parameters are checked with the contract's own decoder before anything is sent: an
 * invalid one fails with `InvalidArgument` (nothing is sent) whose `parameter` and message name it.
 *
 * @since 0.1.0
 */
import { ListQuery } from "@refold-effect/contract"
import { Either } from "effect"
import { InvalidArgument } from "./RefoldError.js"
import { kindOf } from "./internal/show.js"

type Query = ListQuery.ListQuery

/** A date bound: `YYYY-MM-DD` (a whole UTC day), an ISO 8601 date-time, or a `Date`. */
export type DateBound = string | Date

/** Parameters of one list request; every one optional, the API's defaults apply. */
export interface ListParams {
  /** Page number, from 1 (default 1). */
  readonly page?: number | undefined
  /** Executions per page, 1 to 1000 (default 10). */
  readonly limit?: number | undefined
  /** Only executions with this status; `All` (default) for every status. */
  readonly status?: Query["status"] | undefined
  /** Only executions from this trigger source; `All` (default) for every source. */
  readonly execution_source?: Query["execution_source"] | "SCHEDULE" | "API_CALL" | undefined
  /** Only `SYNC` or `ASYNC` executions; `All` (default) for both. */
  readonly execution_type?: Query["execution_type"] | undefined
  /** Only executions created on or after this day or instant. */
  readonly start_date?: DateBound | undefined
  /** Only executions created on or before this day (inclusive, the whole day) or instant. */
  readonly end_date?: DateBound | undefined
  /** Only executions of these applications: comma-separated slugs (`slack,hubspot`). */
  readonly slug?: string | undefined
  /** Only executions of the workflow with exactly this name. */
  readonly workflow_name?: string | undefined
  /** Only executions of the workflow with this `_id`. */
  readonly workflow_id?: string | undefined
  /** Only the execution with this `_id` (a page of at most one). */
  readonly execution_id?: string | undefined
  /** `true`: oldest first (default: newest first). A walk (`stream`) expects newest first: see the README. */
  readonly sortAsc?: boolean | undefined
}

/** The query string of a list request, as sent. */
export type Encoded = ListQuery.Encoded

const pad = (n: number, width = 2) => String(n).padStart(width, "0")

/** A `Date` as a date bound: the day when it is a UTC midnight, else the instant. */
export const formatDate = (date: Date): string | undefined => {
  if (Number.isNaN(date.getTime())) return undefined
  const midnight =
    date.getUTCHours() === 0 && date.getUTCMinutes() === 0 && date.getUTCSeconds() === 0 && date.getUTCMilliseconds() === 0
  return midnight && date.getUTCFullYear() >= 0 && date.getUTCFullYear() <= 9999
    ? `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`
    : date.toISOString()
}

const keys = [
  "page",
  "limit",
  "status",
  "execution_source",
  "execution_type",
  "start_date",
  "end_date",
  "slug",
  "workflow_name",
  "workflow_id",
  "execution_id",
  "sortAsc"
] as const

/** The error of a parameter refused before sending, named in the contract's message when it says which. */
const invalid = (message: string) => new InvalidArgument({ parameter: /"([^"]+)"/.exec(message)?.[1] ?? "params", message })

/** `params` when it is an object (of parameters or options), else the error naming what it is. */
export const record = <A extends object>(params: A | unknown, noun: string): Either.Either<A & Record<string, unknown>, InvalidArgument> =>
  typeof params === "object" && params !== null && !Array.isArray(params)
    ? Either.right(params as A & Record<string, unknown>)
    : Either.left(invalid(`Invalid ${noun}: expected an object, got ${kindOf(params)}`))

/**
 * The parameters `keys` of `params` as the text of a query, before the contract checks them: a
 * `Date` as the day or the instant (see {@link formatDate}), a string, number or boolean as text.
 * Params that are not an object, or a value of another type, are refused by name (`noun` names
 * them as a whole), never a crash nor `[object Object]` sent: from JavaScript, or through `any`.
 */
export const collect = (params: unknown, keys: ReadonlyArray<string>, noun: string): Either.Either<Record<string, string>, InvalidArgument> => {
  const checked = record(params, noun)
  if (Either.isLeft(checked)) return Either.left(checked.left)
  const raw: Record<string, string> = {}
  for (const key of keys) {
    const value: unknown = checked.right[key]
    if (value === undefined) continue
    if (value instanceof Date) {
      const text = formatDate(value)
      if (text === undefined) return Either.left(invalid(`Invalid query parameter "${key}": expected a valid Date, got Invalid Date`))
      raw[key] = text
    } else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      raw[key] = String(value)
    } else {
      return Either.left(invalid(`Invalid query parameter "${key}": expected a string, number, boolean or Date, got ${kindOf(value)}`))
    }
  }
  return Either.right(raw)
}

/**
 * Checks parameters with the contract and turns them into the query string to send, with
 * `execution_source` in its canonical spelling. Unknown keys are ignored.
 */
export const encode = (params: ListParams = {}): Either.Either<Encoded, InvalidArgument> => {
  const raw = collect(params, keys, "query parameters")
  if (Either.isLeft(raw)) return Either.left(raw.left)
  return ListQuery.decode(raw.right).pipe(
    Either.mapLeft((error) => invalid(error.message)),
    Either.map(ListQuery.encode)
  )
}
