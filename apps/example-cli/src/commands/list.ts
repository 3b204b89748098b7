/**
 * `refold-executions list`: one page of executions, or every page with `--all`, as a table or as
 * JSON.
 *
 * @since 0.1.0
 */
import { type Execution, InvalidArgument, Executions, type ListParams, type RefoldError } from "@refold-effect/sdk"
import { Console, Effect, Option, Stream } from "effect"
import * as Format from "../Format.js"

/** The filters and output of `list`. Every filter is optional: absent means all. */
export interface ListOptions {
  readonly status?: ListParams["status"]
  readonly source?: ListParams["execution_source"]
  readonly type?: ListParams["execution_type"]
  /** Created on or after this day (`YYYY-MM-DD`) or instant (ISO 8601). */
  readonly since?: string | undefined
  /** Created on or before this day (the whole day) or instant. */
  readonly until?: string | undefined
  /** Executions per page (default: the API's 10, or 100 with `all`). */
  readonly limit?: number | undefined
  /** The page to show, or to start from with `all`. */
  readonly page?: number | undefined
  /** Every page, streamed, instead of one. */
  readonly all?: boolean | undefined
  /** A JSON array (one execution per line) instead of a table. */
  readonly json?: boolean | undefined
}

/** Page size of `--all` when `--limit` is not given: fewer round trips than the API's 10. */
export const ALL_PAGE_SIZE = 100

/** The SDK's parameter names, and the flags that set them, for messages about rejected values. */
const flags: ReadonlyArray<readonly [string, string]> = [
  ["start_date", "--since"],
  ["end_date", "--until"],
  ["execution_source", "--source"],
  ["execution_type", "--type"],
  ["status", "--status"],
  ["limit", "--limit"],
  ["page", "--page"]
]

/** A parameter the SDK rejected before sending anything, named by its flag. */
const nameFlags = (error: RefoldError): RefoldError => {
  if (error._tag !== "InvalidArgument") return error
  let message = error.message.replace(/^Invalid query parameters: /, "").replace(/^Invalid query parameter /, "Invalid ")
  for (const [param, flag] of flags) message = message.replace(new RegExp(`"?\\b${param}\\b"?`, "g"), flag)
  return new InvalidArgument({ ...error, message })
}

const paramsOf = (options: ListOptions): ListParams => ({
  status: options.status,
  execution_source: options.source,
  execution_type: options.type,
  start_date: options.since,
  end_date: options.until,
  limit: options.limit,
  page: options.page
})

/** Prints executions as a JSON array, one per line, without holding more than two in memory. */
const printJson = <E, R>(executions: Stream.Stream<Execution.Summary, E, R>) =>
  Effect.gen(function*() {
    yield* Console.log("[")
    yield* executions.pipe(
      Stream.zipWithNext,
      Stream.runForEach(([execution, next]) => Console.log(`${JSON.stringify(execution)}${Option.isSome(next) ? "," : ""}`))
    )
    yield* Console.log("]")
  })

/**
 * Prints executions as a table as they arrive, the heading with the first (so that a failure before
 * any execution leaves stdout empty), or says that none match; resolves to how many there were.
 */
const printTable = <E, R>(executions: Stream.Stream<Execution.Summary, E, R>) =>
  executions.pipe(
    Stream.runFoldEffect(0, (n, execution) =>
      Effect.as(Effect.zipRight(n === 0 ? Console.log(Format.listHeader) : Effect.void, Console.log(Format.listRow(execution))), n + 1)
    ),
    Effect.tap((n) => (n === 0 ? Console.log("No executions match.") : Effect.void))
  )

/**
 * Lists executions: the page that `options` select (a table and, on stderr, which page it is), or
 * with `all` every page from the first (or `page`), streamed so that memory stays constant.
 */
export const list = Effect.fn("list")(
  function*(options: ListOptions = {}) {
    const executions = yield* Executions
    const params = paramsOf(options)
    if (options.all === true) {
      const every = executions.stream({ ...params, limit: options.limit ?? ALL_PAGE_SIZE })
      if (options.json === true) return yield* printJson(every)
      const total = yield* printTable(every)
      if (total > 0) yield* Console.error(Format.count(total))
      return
    }
    const page = yield* executions.list(params)
    if (options.json === true) return yield* printJson(Stream.fromIterable(page.docs))
    if (page.docs.length === 0 && page.totalDocs > 0) {
      yield* Console.log(`No executions on page ${page.page ?? 1}.`)
    } else {
      yield* printTable(Stream.fromIterable(page.docs))
    }
    yield* Console.error(Format.pageFooter(page))
  },
  Effect.mapError(nameFlags)
)
