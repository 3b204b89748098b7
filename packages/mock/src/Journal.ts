/**
 * The request journal: the last requests the mock received (newest first, bounded), with every
 * secret redacted, and WireMock's request patterns to count them. Served as `GET /__admin/requests`
 * and `POST /__admin/requests/count`; in an Effect test through `RefoldMock`.
 *
 * Secrets never leave the journal: `x-api-key`, `authorization`, `cookie`, and any header or query
 * parameter whose name looks like a credential (token, secret, key, password, session, signature)
 * show as `[REDACTED]` in every entry it hands out, and so do the values of the credentials the mock
 * knows wherever they appear (see {@link make}). So a pattern can check that a secret was sent
 * (`{ "matches": ".+" }`, `{ "absent": false }`), never its value. To cost a request next to
 * nothing, the journal keeps the URL and headers as the request held them, secrets included, in the
 * mock's memory, and redacts them on every read (`requests`, `count`).
 *
 * @since 0.1.0
 */
import { Either, Schema } from "effect"
import { isDeepStrictEqual } from "node:util"
import * as Explain from "./internal/Explain.js"
import * as HeaderSets from "./internal/HeaderSets.js"
import * as Regex_ from "./internal/Regex.js"
import { shown } from "./internal/Shown.js"

/** What a secret's value shows as. */
export const REDACTED = "[REDACTED]"

/** One journaled request, and what it was answered. */
export interface Entry {
  /** The request id (`x-request-id`), when the app answered. */
  readonly id: string
  /** When the request arrived on the app's clock (see `MockClock`), epoch milliseconds and ISO 8601. */
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
    /**
     * The body as the route read it (execute, stop, rerun, the webhook routes), cut at
     * {@link MAX_BODY_CHARS} characters, the credentials the mock knows redacted; absent when the
     * request had none, the route read none, or the journal let it go (see {@link BODIES_BUDGET}).
     */
    readonly body?: string | undefined
    /** `true` when {@link body} was cut. */
    readonly bodyTruncated?: true | undefined
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

/**
 * Regexes are matched against the whole value, as in WireMock (Java's `matches`), by a linear-time
 * engine (RE2's syntax: see `internal/Regex.ts`), so that no pattern can stall the mock.
 */
const Regex = Schema.String.pipe(Schema.filter((s) => Either.match(Regex_.compile(s), { onLeft: (message) => message, onRight: () => true })))

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
 * How a request's body must look: a {@link StringMatcher} on its text, or WireMock's `equalToJson`
 * (the body parsed as JSON equals the value: keys in any order, arrays in order).
 */
export const BodyMatcher = Schema.Union(
  ...StringMatcher.members,
  Schema.Struct({ equalToJson: Schema.Unknown })
).annotations({ identifier: "BodyMatcher" })
export type BodyMatcher = typeof BodyMatcher.Type

/**
 * Which requests to count: WireMock's request pattern. Give at most one of `url` (path and query,
 * exact), `urlPath` (path, exact), `urlPattern` (path and query, regex) and `urlPathPattern` (path,
 * regex). `method` defaults to any (`ANY`). `bodyPatterns` must all hold for the body the journal
 * kept (see {@link Entry}).
 */
export const RequestPattern = Schema.Struct({
  method: Schema.optional(Schema.String),
  url: Schema.optional(Schema.String),
  urlPath: Schema.optional(Schema.String),
  urlPattern: Schema.optional(Regex),
  urlPathPattern: Schema.optional(Regex),
  queryParameters: Schema.optional(Schema.Record({ key: Schema.String, value: StringMatcher })),
  headers: Schema.optional(Schema.Record({ key: Schema.String, value: StringMatcher })),
  bodyPatterns: Schema.optional(Schema.Array(BodyMatcher))
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

const whole = Regex_.unsafeCompile

const matcher = (m: StringMatcher): ((values: ReadonlyArray<string>) => boolean) => {
  if ("absent" in m) return (values) => (values.length === 0) === m.absent
  if ("equalTo" in m) {
    const expected = m.caseInsensitive === true ? m.equalTo.toLowerCase() : m.equalTo
    return (values) => values.some((v) => (m.caseInsensitive === true ? v.toLowerCase() : v) === expected)
  }
  if ("contains" in m) return (values) => values.some((v) => v.includes(m.contains))
  if ("matches" in m) {
    const test = whole(m.matches)
    return (values) => values.some(test)
  }
  const test = whole(m.doesNotMatch)
  return (values) => values.length > 0 && values.every((v) => !test(v))
}

/** Whether `body` (absent: `undefined`) holds for a body matcher. */
const bodyMatcher = (m: BodyMatcher): ((body: string | undefined) => boolean) => {
  if (!("equalToJson" in m)) {
    const test = matcher(m)
    return (body) => test(body === undefined ? [] : [body])
  }
  return (body) => {
    if (body === undefined) return false
    try {
      return isDeepStrictEqual(JSON.parse(body), m.equalToJson)
    } catch {
      return false
    }
  }
}

/** A predicate over journal entries for a decoded pattern. */
export const matches = (pattern: RequestPattern): ((entry: Entry) => boolean) => {
  const checks: Array<(e: Entry) => boolean> = []
  const method = pattern.method?.toUpperCase()
  if (method !== undefined && method !== "ANY") checks.push((e) => e.request.method === method)
  if (pattern.url !== undefined) checks.push((e) => e.request.url === pattern.url)
  if (pattern.urlPath !== undefined) checks.push((e) => e.request.path === pattern.urlPath)
  if (pattern.urlPattern !== undefined) {
    const test = whole(pattern.urlPattern)
    checks.push((e) => test(e.request.url))
  }
  if (pattern.urlPathPattern !== undefined) {
    const test = whole(pattern.urlPathPattern)
    checks.push((e) => test(e.request.path))
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
  for (const m of pattern.bodyPatterns ?? []) {
    const test = bodyMatcher(m)
    checks.push((e) => e.request.bodyTruncated !== true && test(e.request.body))
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
  /**
   * {@link count} for a server: matches in slices of at most {@link SLICE_MS}, yielding to other
   * requests between them, and gives up (`undefined`) after `budgetMs` of matching.
   */
  readonly countPaced: (pattern: RequestPattern, budgetMs?: number) => Promise<number | undefined>
  /** Forgets every entry. */
  readonly clear: () => void
  /**
   * Journals a request as it arrives; call `answered` once the response is known. `rawHeaders`:
   * the request's headers as Node received them (`IncomingMessage.rawHeaders`), when it came over
   * TCP, read in place of `request.headers` so that no `Headers` is built per request.
   */
  readonly record: (request: Request, rawHeaders?: ReadonlyArray<string>) => Recording
}

/** A journaled request awaiting its response. */
export interface Recording {
  /** Notes what the request was answered (call it on the recording: it is a method). */
  answered(id: string, status: number | null, fault?: string): void
  /** Keeps the body a route read (cut at {@link MAX_BODY_CHARS}); a method too. */
  body(text: string): void
}

/**
 * The longest body text an entry keeps, in characters; a longer one is cut and marked. As long as
 * the longest header Node accepts, so that a regex matches a body as fast as it matches a header.
 */
export const MAX_BODY_CHARS = 16 * 1024

/**
 * The most body text a journal holds, in characters, whatever its capacity: past it, the oldest
 * entries' bodies are let go (their entries stay).
 */
export const BODIES_BUDGET = 8 * 1024 * 1024

/** The default {@link Journal.capacity}. */
export const defaultCapacity = 1000

/** The most requests a journal keeps (`journal` option): past it, its slots could not be allocated. */
export const MAX_CAPACITY = 1_000_000

/** Why `capacity` cannot be a journal's (a whole number from 0, off, to {@link MAX_CAPACITY}), or `undefined`. */
export const invalidCapacity = (capacity: unknown): string | undefined =>
  typeof capacity === "number" && Number.isInteger(capacity) && capacity >= 0 && capacity <= MAX_CAPACITY
    ? undefined
    : `expected a whole number of requests from 0 (off) to ${MAX_CAPACITY}, got ${shown(capacity)}`

/** How long {@link Journal.countPaced} matches before it lets other requests in. */
export const SLICE_MS = 20

/** How long {@link Journal.countPaced} matches in all, by default, before it gives up. */
export const COUNT_BUDGET_MS = 5000

/**
 * Redacts the values of credentials the mock knows (the keys it accepts, the session tokens it
 * defines or minted) wherever they appear in a text; `MockApp` makes it. Returns the text itself
 * when it holds none.
 */
export type Redactor = (text: string) => string

/** Replaces every occurrence of each of `values` (ignoring empty ones) in `text` by {@link REDACTED}. */
export const redactValues = (text: string, values: Iterable<string>): string => {
  let out = text
  for (const value of values) if (value !== "" && out.includes(value)) out = out.split(value).join(REDACTED)
  return out
}

/** The fields named like secrets (see {@link isSecret}) whose values are strings, anywhere in `json`, each once. */
const secretFields = (json: unknown): Array<readonly [name: string, value: string]> => {
  const out = new Map<string, readonly [string, string]>()
  // A stack, not recursion: a body may nest as deep as its size allows, and a secret anywhere in it counts.
  const stack: Array<unknown> = [json]
  while (stack.length > 0) {
    const value = stack.pop()
    if (typeof value !== "object" || value === null) continue
    for (const [name, inner] of Object.entries(value)) {
      if (typeof inner === "string" && isSecret(name)) out.set(JSON.stringify([name, inner]), [name, inner])
      else if (typeof inner === "object" && inner !== null) stack.push(inner)
    }
  }
  return [...out.values()]
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * A request body with the values of its JSON fields named like secrets (a webhook's
 * `webhook_headers.Authorization`) redacted where they stand, keeping the body's spelling; those
 * values of {@link MIN_SECRET_LENGTH} characters or more also wherever else they appear; and what
 * `known` redacts. A field the body spells otherwise than JSON would (`\u0041uthorization`) cannot
 * be found in place: the body is then shown as JSON re-serialised, every such field redacted.
 */
const redactBody = (text: string, known: Redactor): string => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return known(text)
  }
  const fields = secretFields(json)
  let out = text
  for (const [name, value] of fields) {
    const token = new RegExp(`(${literal(JSON.stringify(name))}\\s*:\\s*)${literal(JSON.stringify(value))}`, "g")
    const next = out.replace(token, (_, prefix: string) => `${prefix}"${REDACTED}"`)
    if (next === out) return known(JSON.stringify(json, (name, inner: unknown) => (typeof inner === "string" && isSecret(name) ? REDACTED : inner)))
    out = next
  }
  const elsewhere = fields.map(([, value]) => JSON.stringify(value).slice(1, -1)).filter((value) => value.length >= MIN_SECRET_LENGTH)
  return known(redactValues(out, elsewhere))
}

/**
 * Path and query of a URL, with every secret query value redacted, and every value `redact` knows
 * wherever it appears (in the path, in a query name or value, percent-encoded or not).
 */
const redactUrl = (url: string, redact: Redactor): string => {
  const start = url.indexOf("/", url.indexOf("//") + 2)
  return redactPathAndQuery(start === -1 ? "/" : url.slice(start), redact)
}

/**
 * A whole URL as a journal shows it: its path and query as {@link redactUrl} redacts them, and its
 * origin with the values `redact` knows redacted (a key written as a user name or a password).
 */
export const redactAbsoluteUrl = (url: string, redact: Redactor): string => {
  const authority = url.indexOf("//")
  const from = authority === -1 ? 0 : authority + 2
  let end = from
  while (end < url.length && url[end] !== "/" && url[end] !== "?" && url[end] !== "#") end++
  return end === url.length ? redact(url) : redact(url.slice(0, end)) + redactPathAndQuery(url.slice(end), redact)
}

/** A path, with its query if any, redacted (see {@link redactUrl}). */
const redactPathAndQuery = (pathAndQuery: string, redact: Redactor): string => {
  const q = pathAndQuery.indexOf("?")
  const path = q === -1 ? pathAndQuery : pathAndQuery.slice(0, q)
  const safePath = redactComponent(path, redact)
  if (q === -1) return safePath
  const query = pathAndQuery.slice(q + 1)
  // Most queries carry nothing that looks like a credential: keep them as they are, without parsing.
  if (!SECRET.test(query) && redactComponent(query, redact) === query) return `${safePath}?${query}`
  const safe = new URLSearchParams()
  for (const [name, value] of new URLSearchParams(query)) safe.append(redact(name), isSecret(name) ? REDACTED : redact(value))
  return `${safePath}?${safe.toString()}`
}

/** A URL component with the known values redacted, as sent and once percent-decoded. */
const redactComponent = (component: string, redact: Redactor): string => {
  const direct = redact(component)
  if (direct !== component || component.indexOf("%") === -1) return direct
  let decoded: string
  try {
    decoded = decodeURIComponent(component)
  } catch {
    return component
  }
  const safe = redact(decoded)
  return safe === decoded ? component : encodeURI(safe)
}

/**
 * The parts of a secret's value that are secret themselves: the value, and its last word (the
 * credential of `Bearer <token>`), when long enough to be one rather than a common word.
 */
const secretParts = (value: string): Array<string> => {
  const trimmed = value.trim()
  const space = trimmed.lastIndexOf(" ")
  const last = space === -1 ? trimmed : trimmed.slice(space + 1)
  return [trimmed, last].filter((part, i, all) => part.length >= MIN_SECRET_LENGTH && all.indexOf(part) === i)
}

/** Values shorter than this are not redacted elsewhere in a request (`[REDACTED]` itself, `1`, ...). */
export const MIN_SECRET_LENGTH = 6

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

/**
 * A request's headers with every secret's value replaced by {@link REDACTED}, and the values
 * `redact` knows replaced wherever they appear in the others.
 */
export const redactHeaders = (headers: Headers, redact: Redactor = (text) => text): Record<string, string> => {
  const out: Record<string, string> = Object.create(null)
  headers.forEach((value, name) => (out[name] = isSecretHeader(name) ? REDACTED : redact(value)))
  return out
}

/**
 * Node's raw headers (names and values alternating, as received) as the `Headers` that
 * `@hono/node-server` would have built of them: lower-case names, repeated headers joined, sorted.
 * What a `Headers` refuses cannot have reached the app either, and is left out.
 */
const headersOf = (raw: ReadonlyArray<string>): Headers => {
  const headers = new Headers()
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!
    if (name.startsWith(":")) continue // HTTP/2 pseudo-headers
    try {
      headers.append(name, raw[i + 1]!)
    } catch {
      // not a valid header name or value
    }
  }
  return headers
}

/** A response not known yet. */
const PENDING = -1
/** No response sent (a reset or a hang). */
const NONE = -2
/** The header list of a request whose headers are its `Headers` object (one answered in-process). */
const IN_HEADERS = -1

/**
 * A journal keeping the last `capacity` requests (at least 1).
 *
 * The ring is a set of columns, one slot per request: no object per entry. The URL and the id are
 * kept as the strings they are (counted under callgrind, copying them into bytes outside the heap
 * cost a get 1,600 to 2,600 instructions more than the garbage collector spends on keeping them); Node's
 * raw header list is shared with the requests before it when equal (`HeaderSets`), since a
 * client sends the same headers every time. A request over TCP leaves its method, its URL, its id
 * and Node's raw headers; one answered in-process, its `Headers`. Secrets included: reading an
 * entry redacts what it hands out: values under a secret's name, the values `known` redacts, and
 * the values sent under a secret's name wherever else they appear in the same request. `now` is
 * the time of arrival (the app's clock; default the system's).
 */
export const make = (capacity: number = defaultCapacity, known: Redactor = (text) => text, now: () => number = Date.now): Journal => {
  const size = Math.max(1, Math.floor(capacity))
  // `recorded` counts every request ever recorded; the n-th is in slot n % size, and `sequences`
  // tells a recording whether its slot was reused since.
  const methods = new Array<string>(size)
  const urls = new Array<string>(size).fill("")
  const sets = HeaderSets.make()
  const setOf = new Int32Array(size).fill(IN_HEADERS)
  const headers = new Array<Headers | undefined>(size)
  const times = new Float64Array(size)
  const sequences = new Float64Array(size)
  const ids = new Array<string>(size).fill("")
  const statuses = new Int32Array(size)
  const faults = new Array<string | undefined>(size)
  let recorded = 0
  let cleared = 0
  // Bodies by the sequence of their request, oldest first (a Map keeps insertion order): few
  // requests have one, so recording a request costs nothing for them; `bodyChars` is their total.
  const bodies = new Map<number, { readonly text: string; readonly truncated: boolean }>()
  let bodyChars = 0
  const keepBody = (sequence: number, text: string) => {
    const truncated = text.length > MAX_BODY_CHARS
    const kept = truncated ? text.slice(0, MAX_BODY_CHARS) : text
    const before = bodies.get(sequence)
    if (before !== undefined) bodyChars -= before.text.length
    bodies.set(sequence, { text: kept, truncated })
    bodyChars += kept.length
    // Let go of the bodies of requests the journal no longer keeps, then of the oldest past the budget.
    for (const [oldest, body] of bodies) {
      if (oldest >= recorded - size && oldest >= cleared && bodyChars <= BODIES_BUDGET) break
      bodies.delete(oldest)
      bodyChars -= body.text.length
    }
  }

  const entryAt = (slot: number): Entry => {
    const set = setOf[slot]!
    const headerList = set === IN_HEADERS ? headers[slot]! : headersOf(sets.get(set))
    // The values sent under a secret's name, to redact wherever else they appear in this request.
    const sent: Array<string> = []
    headerList.forEach((value, name) => {
      if (isSecretHeader(name)) sent.push(...secretParts(value))
    })
    const rawUrl = urls[slot]!
    const rawQuery = rawUrl.indexOf("?")
    if (rawQuery !== -1 && SECRET.test(rawUrl.slice(rawQuery + 1))) {
      for (const [name, value] of new URLSearchParams(rawUrl.slice(rawQuery + 1))) if (isSecret(name)) sent.push(...secretParts(value))
    }
    const redact = sent.length === 0 ? known : (text: string) => known(redactValues(text, sent))
    const url = redactUrl(rawUrl, redact)
    const q = url.indexOf("?")
    // No prototype: a parameter or header may be called `toString` or `__proto__`.
    const query: Record<string, Array<string>> = Object.create(null)
    if (q !== -1) for (const [name, value] of new URLSearchParams(url.slice(q + 1))) (query[name] ??= []).push(value)
    const status = statuses[slot]!
    const fault = faults[slot]
    const response = { status: status === NONE ? null : status }
    return {
      id: ids[slot]!,
      loggedDate: times[slot]!,
      loggedDateString: new Date(times[slot]!).toISOString(),
      request: {
        method: methods[slot]!,
        url,
        path: q === -1 ? url : url.slice(0, q),
        query,
        headers: redactHeaders(headerList, redact),
        ...bodyOf(sequences[slot]!, redact)
      },
      ...(status === PENDING ? {} : { response: fault === undefined ? response : { ...response, fault } })
    }
  }

  /** The body a request's entry shows, redacted, if the journal kept one. */
  const bodyOf = (sequence: number, redact: Redactor): Pick<Entry["request"], "body" | "bodyTruncated"> => {
    const body = bodies.get(sequence)
    if (body === undefined) return {}
    return body.truncated ? { body: redact(body.text), bodyTruncated: true } : { body: redact(body.text) }
  }

  /** The slots of the kept entries, newest first. */
  const slots = (): Array<number> => {
    const out: Array<number> = []
    for (let n = recorded - 1; n >= Math.max(cleared, recorded - size); n--) out.push(n % size)
    return out
  }

  /** A request's slot until it is answered (an object, not closures: one allocation per request). */
  class Pending implements Recording {
    constructor(
      private readonly slot: number,
      private readonly sequence: number
    ) {}

    answered(id: string, status: number | null, fault?: string) {
      // Not when the slot went to a newer request, or the journal was cleared since.
      if (sequences[this.slot] !== this.sequence || this.sequence < cleared) return
      ids[this.slot] = id
      statuses[this.slot] = status === null ? NONE : status
      faults[this.slot] = fault
    }

    body(text: string) {
      if (sequences[this.slot] !== this.sequence || this.sequence < cleared || text === "") return
      // Redacted whole before it is cut, so that no cut leaves part of a secret.
      keepBody(this.sequence, redactBody(text, known))
    }
  }

  const record = (request: Request, rawHeaders?: ReadonlyArray<string>): Recording => {
    const sequence = recorded++
    const slot = sequence % size
    methods[slot] = request.method
    urls[slot] = request.url
    if (setOf[slot] !== IN_HEADERS) sets.release(setOf[slot]!)
    if (rawHeaders === undefined) {
      headers[slot] = request.headers
      setOf[slot] = IN_HEADERS
    } else {
      if (headers[slot] !== undefined) headers[slot] = undefined
      setOf[slot] = sets.take(rawHeaders)
    }
    times[slot] = now()
    sequences[slot] = sequence
    ids[slot] = ""
    statuses[slot] = PENDING
    faults[slot] = undefined
    return new Pending(slot, sequence)
  }

  return {
    capacity: size,
    requests: () => slots().map(entryAt),
    count: (pattern) => {
      const test = matches(pattern)
      let n = 0
      for (const slot of slots()) if (test(entryAt(slot))) n++
      return n
    },
    countPaced: async (pattern, budgetMs = COUNT_BUDGET_MS) => {
      const test = matches(pattern)
      const entries = slots().map(entryAt)
      const deadline = Date.now() + budgetMs
      let n = 0
      for (let i = 0; i < entries.length; ) {
        const sliceEnd = Math.min(Date.now() + SLICE_MS, deadline)
        while (i < entries.length && Date.now() < sliceEnd) if (test(entries[i++]!)) n++
        if (i === entries.length) break
        if (Date.now() >= deadline) return undefined
        await new Promise((resolve) => setImmediate(resolve))
      }
      return n
    },
    clear: () => {
      cleared = recorded
      bodies.clear()
      bodyChars = 0
      // Let go of what the forgotten requests held.
      urls.fill("")
      ids.fill("")
      sets.clear()
      setOf.fill(IN_HEADERS)
      headers.fill(undefined)
      faults.fill(undefined)
    },
    record
  }
}
