/**
 * The request journal: the last requests the mock received (newest first, bounded), with every
 * secret redacted, and WireMock's request patterns to count them. Served as `GET /__admin/requests`
 * and `POST /__admin/requests/count`; in an Effect test through `RefoldMock`.
 *
 * Secrets never enter the journal: `x-api-key`, `authorization`, `cookie`, and any header or query
 * parameter whose name looks like a credential (token, secret, key, password, session, signature)
 * show as `[REDACTED]`. So a pattern can check that a secret was sent (`{ "matches": ".+" }`,
 * `{ "absent": false }`), never its value.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import * as Explain from "./internal/Explain.js"

/** What a secret's value shows as. */
export const REDACTED = "[REDACTED]"

/** One journaled request, and what it was answered. */
export interface Entry {
  /** The request id (`x-request-id`), when the app answered. */
  readonly id: string
  /** When the request arrived, epoch milliseconds and ISO 8601. */
  readonly loggedDate: number
  readonly loggedDateString: string
  readonly request: {
    readonly method: string
    /** Path and query, as sent (secret query values redacted). */
    readonly url: string
    readonly path: string
    readonly query: Readonly<Record<string, ReadonlyArray<string>>>
    /** Lower-case names; secret values redacted. */
    readonly headers: Readonly<Record<string, string>>
  }
  /** What the mock answered: the status, and the fault or scenario applied. Absent while answering. */
  readonly response?: {
    /** `null` when no response was sent (a reset or a hang). */
    readonly status: number | null
    readonly fault?: string | undefined
  } | undefined
}

const SECRET = /(^|[-_])(authorization|cookie|api[-_]?key|key|token|secret|password|passwd|session|signature|credential|auth)s?([-_]|$)|token|secret|password|apikey/i

/** `true` for a header or parameter name that may carry a credential. */
export const isSecret = (name: string): boolean => SECRET.test(name)

/** Regexes are matched against the whole value, as in WireMock (Java's `matches`). */
const Regex = Schema.String.pipe(
  Schema.filter((s) => {
    try {
      new RegExp(s)
      return true
    } catch (e) {
      return `not a valid regular expression: ${(e as Error).message}`
    }
  })
)

/** How a value must look; WireMock's matcher names. */
export const StringMatcher = Schema.Union(
  Schema.Struct({ equalTo: Schema.String, caseInsensitive: Schema.optional(Schema.Boolean) }),
  Schema.Struct({ matches: Regex }),
  Schema.Struct({ doesNotMatch: Regex }),
  Schema.Struct({ contains: Schema.String }),
  Schema.Struct({ absent: Schema.Boolean })
).annotations({ identifier: "StringMatcher" })
export type StringMatcher = typeof StringMatcher.Type

/**
 * Which requests to count: WireMock's request pattern. Give at most one of `url` (path and query,
 * exact), `urlPath` (path, exact), `urlPattern` (path and query, regex) and `urlPathPattern` (path,
 * regex). `method` defaults to any (`ANY`).
 */
export const RequestPattern = Schema.Struct({
  method: Schema.optional(Schema.String),
  url: Schema.optional(Schema.String),
  urlPath: Schema.optional(Schema.String),
  urlPattern: Schema.optional(Regex),
  urlPathPattern: Schema.optional(Regex),
  queryParameters: Schema.optional(Schema.Record({ key: Schema.String, value: StringMatcher })),
  headers: Schema.optional(Schema.Record({ key: Schema.String, value: StringMatcher }))
}).pipe(
  Schema.filter((p) => {
    const given = (["url", "urlPath", "urlPattern", "urlPathPattern"] as const).filter((k) => p[k] !== undefined)
    return given.length <= 1 || `give at most one of url, urlPath, urlPattern and urlPathPattern, not ${given.join(" and ")}`
  }),
  Schema.annotations({ identifier: "RequestPattern" })
)
export type RequestPattern = typeof RequestPattern.Type

/** Decodes a request pattern from JSON, or explains in one sentence what is wrong with it. */
export const decodeRequestPattern = Explain.decoder(RequestPattern, "pattern", "not a request pattern")

const whole = (regex: string) => new RegExp(`^(?:${regex})$`, "s")

const matcher = (m: StringMatcher): ((values: ReadonlyArray<string>) => boolean) => {
  if ("absent" in m) return (values) => (values.length === 0) === m.absent
  if ("equalTo" in m) {
    const expected = m.caseInsensitive === true ? m.equalTo.toLowerCase() : m.equalTo
    return (values) => values.some((v) => (m.caseInsensitive === true ? v.toLowerCase() : v) === expected)
  }
  if ("contains" in m) return (values) => values.some((v) => v.includes(m.contains))
  if ("matches" in m) {
    const re = whole(m.matches)
    return (values) => values.some((v) => re.test(v))
  }
  const re = whole(m.doesNotMatch)
  return (values) => values.length > 0 && values.every((v) => !re.test(v))
}

/** A predicate over journal entries for a decoded pattern. */
export const matches = (pattern: RequestPattern): ((entry: Entry) => boolean) => {
  const checks: Array<(e: Entry) => boolean> = []
  const method = pattern.method?.toUpperCase()
  if (method !== undefined && method !== "ANY") checks.push((e) => e.request.method === method)
  if (pattern.url !== undefined) checks.push((e) => e.request.url === pattern.url)
  if (pattern.urlPath !== undefined) checks.push((e) => e.request.path === pattern.urlPath)
  if (pattern.urlPattern !== undefined) {
    const re = whole(pattern.urlPattern)
    checks.push((e) => re.test(e.request.url))
  }
  if (pattern.urlPathPattern !== undefined) {
    const re = whole(pattern.urlPathPattern)
    checks.push((e) => re.test(e.request.path))
  }
  for (const [name, m] of Object.entries(pattern.queryParameters ?? {})) {
    const test = matcher(m)
    checks.push((e) => test(e.request.query[name] ?? []))
  }
  for (const [name, m] of Object.entries(pattern.headers ?? {})) {
    const test = matcher(m)
    const key = name.toLowerCase()
    checks.push((e) => {
      const value = e.request.headers[key]
      return test(value === undefined ? [] : [value])
    })
  }
  return (e) => checks.every((check) => check(e))
}

/** A journal of one mock app. */
export interface Journal {
  /** How many entries it keeps; older ones are dropped. */
  readonly capacity: number
  /** The kept entries, newest first. */
  readonly requests: () => ReadonlyArray<Entry>
  /** How many kept entries match the pattern. */
  readonly count: (pattern: RequestPattern) => number
  /** Forgets every entry. */
  readonly clear: () => void
  /** Journals a request as it arrives; call `answered` once the response is known. */
  readonly record: (request: Request) => Recording
}

/** A journaled request awaiting its response. */
export interface Recording {
  readonly answered: (id: string, status: number | null, fault?: string) => void
}

/** The default {@link Journal.capacity}. */
export const defaultCapacity = 1000

/** Path and query of a URL, with every secret query value redacted. */
const redactUrl = (url: string): string => {
  const start = url.indexOf("/", url.indexOf("//") + 2)
  const pathAndQuery = start === -1 ? "/" : url.slice(start)
  const q = pathAndQuery.indexOf("?")
  // Most URLs carry nothing that looks like a credential: keep them as they are, without parsing.
  if (q === -1 || !SECRET.test(pathAndQuery.slice(q + 1))) return pathAndQuery
  const safe = new URLSearchParams()
  for (const [name, value] of new URLSearchParams(pathAndQuery.slice(q + 1))) safe.append(name, isSecret(name) ? REDACTED : value)
  return `${pathAndQuery.slice(0, q)}?${safe.toString()}`
}

const secretNames = new Map<string, boolean>()

/** {@link isSecret}, remembered for the header names a server sees over and over. */
const isSecretHeader = (name: string): boolean => {
  let secret = secretNames.get(name)
  if (secret === undefined) {
    secret = isSecret(name)
    if (secretNames.size < 1000) secretNames.set(name, secret)
  }
  return secret
}

/** A request's headers with every secret's value replaced by {@link REDACTED}. */
export const redactHeaders = (headers: Headers): Record<string, string> => {
  const out: Record<string, string> = Object.create(null)
  headers.forEach((value, name) => (out[name] = isSecretHeader(name) ? REDACTED : value))
  return out
}

/**
 * What is kept per request: already redacted, and flat, so that journaling costs a request little;
 * the {@link Entry} is built when read.
 */
interface Raw {
  readonly method: string
  readonly url: string
  /** Names and values, alternating, secrets redacted. */
  readonly headers: ReadonlyArray<string>
  readonly time: number
  id: string
  response: Entry["response"]
}

const entryOf = (raw: Raw): Entry => {
  const q = raw.url.indexOf("?")
  // No prototype: a parameter or header may be called `toString` or `__proto__`.
  const query: Record<string, Array<string>> = Object.create(null)
  if (q !== -1) for (const [name, value] of new URLSearchParams(raw.url.slice(q + 1))) (query[name] ??= []).push(value)
  const headers: Record<string, string> = Object.create(null)
  for (let i = 0; i < raw.headers.length; i += 2) headers[raw.headers[i]!] = raw.headers[i + 1]!
  return {
    id: raw.id,
    loggedDate: raw.time,
    loggedDateString: new Date(raw.time).toISOString(),
    request: { method: raw.method, url: raw.url, path: q === -1 ? raw.url : raw.url.slice(0, q), query, headers },
    ...(raw.response === undefined ? {} : { response: raw.response })
  }
}

/** A journal keeping the last `capacity` requests (at least 1). */
export const make = (capacity: number = defaultCapacity): Journal => {
  const size = Math.max(1, Math.floor(capacity))
  // A ring: `entries[next]` is the oldest once the ring is full.
  let entries: Array<Raw> = []
  let next = 0

  const ordered = (): Array<Raw> => (entries.length < size ? entries.slice() : [...entries.slice(next), ...entries.slice(0, next)])

  const record = (request: Request): Recording => {
    const headers: Array<string> = []
    request.headers.forEach((value, name) => headers.push(name, isSecretHeader(name) ? REDACTED : value))
    const raw: Raw = { method: request.method, url: redactUrl(request.url), headers, time: Date.now(), id: "", response: undefined }
    if (entries.length < size) entries.push(raw)
    else {
      entries[next] = raw
      next = (next + 1) % size
    }
    return {
      answered: (id, status, fault) => {
        raw.id = id
        raw.response = fault === undefined ? { status } : { status, fault }
      }
    }
  }

  return {
    capacity: size,
    requests: () => ordered().reverse().map(entryOf),
    count: (pattern) => {
      const test = matches(pattern)
      let n = 0
      for (const raw of entries) if (test(entryOf(raw))) n++
      return n
    },
    clear: () => {
      entries = []
      next = 0
    },
    record
  }
}
