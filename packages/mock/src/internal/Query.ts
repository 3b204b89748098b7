/**
 * The list endpoint's query string, read as Express (with its `qs` parser) would hand it to the
 * vendor's handler, then decoded with the contract's `ListQuery`.
 *
 * Unknown parameters are ignored, as Express ignores them. A known parameter that arrives twice,
 * or in `qs`'s array or object syntax (`page[]=1`, `page[x]=1`), or whose value is not valid
 * percent-encoding, is refused with a message naming it: the vendor's handler would receive an
 * array or a mangled string there, and no client means to send either.
 */
import { Execution, ListQuery } from "@refold-effect/contract"
import { Either } from "effect"
import type * as ExecutionStore from "../ExecutionStore.js"
import { quoted } from "./Shown.js"

/**
 * The known parameters' names, each mapped to the name itself as a constant: a name cut from a URL
 * is a new string every time, and using that as a property key costs a look-up in V8's string table.
 */
const known: ReadonlyMap<string, string> = new Map(Object.keys(ListQuery.Params.fields).map((name) => [name, name]))

/** Form decoding (`+` is a space), or `undefined` when the percent-encoding is malformed. */
const decodeComponent = (s: string): string | undefined => {
  if (s.indexOf("%") === -1 && s.indexOf("+") === -1) return s
  try {
    return decodeURIComponent(s.replace(/\+/g, " "))
  } catch {
    return undefined
  }
}

/** `qs`'s array and object syntax: `name[]` or `name[key]`, possibly nested. */
const BRACKETS = /^([^[\]]+)\[[^[\]]*\]/

const invalid = (name: string, problem: string) => Either.left(`Invalid query parameter "${name}": ${problem}`)

/** The known parameters of a URL's query string, each a single string, or why they are not. */
export const params = (url: string): Either.Either<Record<string, string>, string> => {
  const out: Record<string, string> = {}
  const start = url.indexOf("?")
  if (start === -1) return Either.right(out)
  const hash = url.indexOf("#", start)
  const end = hash === -1 ? url.length : hash
  // Part by part with `indexOf` rather than `split`, which costs more than the rest of the parsing.
  for (let from = start + 1; from < end; ) {
    let amp = url.indexOf("&", from)
    if (amp === -1 || amp > end) amp = end
    const part = url.slice(from, amp)
    from = amp + 1
    if (part === "") continue
    const eq = part.indexOf("=")
    const name = decodeComponent(eq === -1 ? part : part.slice(0, eq))
    if (name === undefined) continue
    const base = name.indexOf("[") === -1 ? name : (BRACKETS.exec(name)?.[1] ?? name)
    const key = known.get(base)
    if (key === undefined) continue
    if (base !== name) return invalid(base, `expected a single value, got ${quoted(name)}`)
    if (out[key] !== undefined) return invalid(name, "expected a single value, got it more than once")
    const value = decodeComponent(eq === -1 ? "" : part.slice(eq + 1))
    if (value === undefined) return invalid(name, "malformed percent-encoding")
    out[key] = value
  }
  return Either.right(out)
}

const statuses: ReadonlySet<string> = new Set(["All", ...Execution.statuses])
const sources: ReadonlySet<string> = new Set(["All", ...Execution.sources])
const types: ReadonlySet<string> = new Set(["All", ...Execution.types])
const DIGITS = /^[0-9]{1,10}$/

const bounded = (value: string, max: number): number | undefined => {
  if (!DIGITS.test(value)) return undefined
  const n = Number(value)
  return n >= 1 && n <= max ? n : undefined
}

/**
 * The common queries, resolved without running the contract's Schema (which costs a few µs per
 * request on the hot path): `page` and `limit` as digits within bounds, and the three filters as
 * their canonical values. `undefined` for anything else (dates, source aliases, every invalid
 * value), which {@link parse} hands to `ListQuery.decode`, so every answer and every error message
 * stays the contract's. A property test checks that both agree wherever this one answers.
 */
export const fast = (raw: Readonly<Record<string, string>>): ExecutionStore.Query | undefined => {
  let page: number = ListQuery.defaults.page
  let limit: number = ListQuery.defaults.limit
  let status: string = ListQuery.defaults.status
  let source: string = ListQuery.defaults.execution_source
  let type: string = ListQuery.defaults.execution_type
  let sortAsc: boolean = ListQuery.defaults.sortAsc
  for (const name of Object.keys(raw)) {
    const value = raw[name]!
    switch (name) {
      case "page": {
        const n = bounded(value, ListQuery.MAX_PAGE)
        if (n === undefined) return undefined
        page = n
        break
      }
      case "limit": {
        const n = bounded(value, ListQuery.MAX_LIMIT)
        if (n === undefined) return undefined
        limit = n
        break
      }
      case "status":
        if (!statuses.has(value)) return undefined
        status = value
        break
      case "execution_source":
        if (!sources.has(value)) return undefined
        source = value
        break
      case "execution_type":
        if (!types.has(value)) return undefined
        type = value
        break
      case "sortAsc":
        if (value !== "true" && value !== "false") return undefined
        sortAsc = value === "true"
        break
      default:
        return undefined
    }
  }
  return { page, limit, status, execution_source: source, execution_type: type, sortAsc }
}

/** The list query of a URL with the API's defaults applied, or the message of a 400. */
export const parse = (url: string): Either.Either<ExecutionStore.Query, string> => {
  const raw = params(url)
  if (Either.isLeft(raw)) return Either.left(raw.left)
  const common = fast(raw.right)
  if (common !== undefined) return Either.right(common)
  return Either.match(ListQuery.decode(raw.right), {
    onLeft: (e) => Either.left(e.message),
    // `resolve` fills every defaulted field; its type merely keeps them optional.
    onRight: (q) => Either.right(ListQuery.resolve(q))
  })
}

/** The page and limit of a list request, for its examples that are pages (a 400 as {@link parse}'s). */
export const paging = (url: string): Either.Either<{ readonly page: number; readonly limit: number }, string> =>
  Either.map(parse(url), (q) => ({ page: q.page, limit: q.limit }))
