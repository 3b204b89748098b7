/**
 * Stubs: answers a test sets for the API requests that match a WireMock request pattern, so that a
 * client that cannot send `Prefer` headers or `__` parameters still gets a status, a body or a
 * fault (`RefoldMock.stub(pattern, answer)`). The newest matching stub wins; a request's own
 * scenario comes first. An answer is a {@link Scenario.Scenario} (`code`, `example`, `delay`,
 * `fault`) plus an optional JSON `body` sent with `code` (default 200), and `times`: answer only
 * the first n matching requests, then the stub is spent and removed (a 503 then a success, to see a
 * client retry). Out of process, the same
 * through the admin API: `POST /__admin/stubs` with `{ "request": pattern, "response": answer }`.
 * At most {@link MAX_STUBS} at once.
 *
 * @since 0.2.0
 */
import { RefoldApi } from "@refold-effect/contract"
import { Either } from "effect"
import * as Routes from "./internal/Routes.js"
import * as Journal from "./Journal.js"
import * as Scenario from "./Scenario.js"

/** How many stubs an app holds at most: past it, `add` refuses until they are cleared. */
export const MAX_STUBS = 1000

/** A stub as it was added. */
export interface Stub {
  readonly request: unknown
  readonly response: Answer
}

/** What a stubbed request is answered with. */
export interface Answer {
  /** 200, or an error status from 400 to 599 (answered with the vendor's error body unless `body` is given). */
  readonly code?: number | undefined
  /** Any JSON, sent as the body with `code`. */
  readonly body?: unknown
  readonly example?: string | undefined
  readonly delay?: number | undefined
  readonly fault?: Scenario.Fault | undefined
  /** The `Retry-After` seconds of an error `code` answered with the vendor's body (a 429's default: 1). */
  readonly retryAfter?: number | undefined
  /** Answer only the first `times` matching requests (a whole number from 1); default: every one, until cleared. */
  readonly times?: number | undefined
}

/** A decoded answer: a scenario and the body's JSON text. */
export interface Stubbed extends Scenario.Scenario {
  readonly body?: string | undefined
  readonly retryAfter?: number | undefined
}

/** The stubs of one app. */
export interface Stubs {
  /** Adds a stub; returns a message naming the problem when the pattern or answer is invalid. */
  readonly add: (pattern: unknown, answer: Answer) => Either.Either<void, string>
  /** The answer of the newest stub matching the request, if any. */
  readonly match: (request: Request) => Stubbed | undefined
  /** How many stubs there are. */
  readonly size: () => number
  /** The stubs as they were added, newest first. */
  readonly list: () => ReadonlyArray<Stub>
  readonly clear: () => void
}

/** The fields of an answer. */
const answerFields = ["code", "body", "example", "delay", "fault", "times", "retryAfter"]

/** The longest `Retry-After` a stub sends, in seconds: a day. */
export const MAX_RETRY_AFTER = 86_400

const checkAnswer = (answer: Answer): Either.Either<Stubbed, string> => {
  if (typeof answer !== "object" || answer === null) return Either.left("Invalid stub answer: expected an object")
  const extra = Object.keys(answer).find((k) => !answerFields.includes(k))
  if (extra !== undefined) return Either.left(`Invalid stub answer: unknown field ${JSON.stringify(extra)}; expected ${answerFields.join(", ")}`)
  if (answer.times !== undefined && !(typeof answer.times === "number" && Number.isSafeInteger(answer.times) && answer.times >= 1)) {
    return Either.left(`Invalid stub answer "times": expected a whole number of at least 1, got ${JSON.stringify(answer.times)?.slice(0, 64)}`)
  }
  // The same checks as a request's own scenario, through its query form.
  const params = new URLSearchParams()
  for (const key of ["code", "example", "delay", "fault"] as const) if (answer[key] !== undefined) params.set(`__${key}`, String(answer[key]))
  const parsed = Scenario.parse({ get: () => null }, `http://stub/?${params}`)
  if (Either.isLeft(parsed)) return Either.left(parsed.left.replace("Invalid scenario query parameter \"__", "Invalid stub answer \""))
  if (answer.retryAfter !== undefined) {
    if (!(typeof answer.retryAfter === "number" && Number.isInteger(answer.retryAfter) && answer.retryAfter >= 0 && answer.retryAfter <= MAX_RETRY_AFTER)) {
      return Either.left(`Invalid stub answer "retryAfter": expected a whole number of seconds from 0 to ${MAX_RETRY_AFTER}, got ${JSON.stringify(answer.retryAfter)?.slice(0, 64)}`)
    }
    if (typeof answer.code !== "number" || answer.code < 400 || answer.body !== undefined || answer.fault !== undefined) {
      return Either.left("Invalid stub answer: retryAfter goes with an error code answered with the vendor's body (such as { code: 429, retryAfter: 30 }), without body or fault")
    }
    return Either.right({ ...parsed.right, retryAfter: answer.retryAfter })
  }
  if (answer.body === undefined) return Either.right(parsed.right ?? {})
  if (answer.example !== undefined) return Either.left("Invalid stub answer: give body or example, not both")
  if (answer.fault === "reset" || answer.fault === "hang" || answer.fault === "empty") {
    return Either.left(`Invalid stub answer: fault=${answer.fault} sends no body, so it cannot be combined with body`)
  }
  let body: string | undefined
  try {
    body = JSON.stringify(answer.body)
  } catch (e) {
    return Either.left(`Invalid stub answer body: ${(e as Error).message}`)
  }
  if (body === undefined) return Either.left("Invalid stub answer body: not JSON")
  return Either.right({ ...parsed.right, body })
}

/** The methods of the API's routes, as requests reach them (a `GET` route answers `HEAD` too). */
const apiMethods = (path?: string) => {
  const methods = new Set<string>()
  for (const e of RefoldApi.endpoints) {
    if (path !== undefined && !Routes.matches(e.path, path)) continue
    methods.add(e.method)
    if (e.method === "GET") methods.add("HEAD")
  }
  return methods
}

/**
 * Why no API request could ever match the pattern's method and exact path, or `undefined`: stubs
 * answer the API's routes only, so a stub for `GETT` or `/api/v2/public/executions` (a typo) would
 * silently never answer. Regex patterns are taken as they are.
 */
const unreachable = (pattern: Journal.RequestPattern): string | undefined => {
  const method = pattern.method?.toUpperCase()
  const exact = pattern.urlPath ?? pattern.url?.split("?")[0]
  const field = pattern.urlPath !== undefined ? "urlPath" : "url"
  if (pattern.bodyPatterns !== undefined) {
    return "Invalid stub pattern: bodyPatterns cannot select a stub, which answers before the body is read; match on method, URL and query (bodyPatterns serve the journal's count)"
  }
  if (method !== undefined && method !== "ANY" && !apiMethods().has(method)) {
    return `Invalid stub pattern method ${JSON.stringify(pattern.method)}: no API route has it, so the stub would never answer; expected ANY or one of ${[...apiMethods()].join(", ")}`
  }
  if (exact === undefined) return undefined
  const methods = apiMethods(exact)
  if (methods.size === 0) {
    const paths = [...new Set(RefoldApi.endpoints.map((e) => e.path))]
    return `Invalid stub pattern ${field} ${JSON.stringify(exact.length > 200 ? `${exact.slice(0, 200)}…` : exact)}: no API route has this path, so the stub would never answer; the API's paths are ${paths.join(", ")}`
  }
  if (method !== undefined && method !== "ANY" && !methods.has(method)) {
    return `Invalid stub pattern: no API route answers ${method} ${exact}, so the stub would never answer; its methods are ${[...methods].join(", ")}`
  }
  return undefined
}

/** The request as the journal's patterns see it (path, query, method; no headers). */
const entryOf = (request: Request): Journal.Entry => {
  const url = new URL(request.url)
  const query: Record<string, Array<string>> = {}
  for (const [k, v] of url.searchParams) (query[k] ??= []).push(v)
  return { id: "", loggedDate: 0, loggedDateString: "", request: { method: request.method, url: `${url.pathname}${url.search}`, path: url.pathname, query, headers: {} } }
}

/** No stub yet. */
export const make = (): Stubs => {
  // `left`: the answers a stub with `times` still gives; it is removed when it reaches 0.
  let stubs: Array<{ readonly matches: (e: Journal.Entry) => boolean; readonly answer: Stubbed; readonly stub: Stub; left: number }> = []
  return {
    add: (pattern, answer) => {
      if (stubs.length >= MAX_STUBS) return Either.left(`Too many stubs: at most ${MAX_STUBS}; clear them (DELETE /__admin/stubs, or reset) first`)
      const decoded = Journal.decodeRequestPattern(pattern)
      if (Either.isLeft(decoded)) return Either.left(decoded.left)
      if (decoded.right.headers !== undefined) return Either.left("Invalid stub pattern: stubs match requests without their headers; drop \"headers\"")
      const never = unreachable(decoded.right)
      if (never !== undefined) return Either.left(never)
      return Either.map(checkAnswer(answer), (stubbed) => {
        stubs = [{ matches: Journal.matches(decoded.right), answer: stubbed, stub: { request: pattern, response: answer }, left: answer.times ?? Infinity }, ...stubs]
      })
    },
    match: (request) => {
      if (stubs.length === 0) return undefined
      const entry = entryOf(request)
      const found = stubs.find((s) => s.matches(entry))
      if (found !== undefined && --found.left === 0) stubs = stubs.filter((s) => s !== found)
      return found?.answer
    },
    size: () => stubs.length,
    list: () => stubs.map((s) => s.stub),
    clear: () => {
      stubs = []
    }
  }
}
