/**
 * Per-request scenarios, compatible with Prism: a test asks for a response through the `Prefer`
 * header (`Prefer: code=429`, `Prefer: example=empty, delay=200`) or, where it cannot set headers,
 * through the query parameters `__code`, `__example`, `__delay` and `__fault`. As in Prism, when a
 * request has a `Prefer` header its `__` query parameters are ignored, and preferences the mock does
 * not know (`return=minimal`, Prism's `dynamic`) are ignored too (RFC 7240).
 *
 * - `code=<status>`: 200 (the normal answer) or an error status from 400 to 599, answered with the
 *   vendor's error body; a 429 carries `Retry-After`.
 * - `example=<name>`: a named example body in place of the data set's (see {@link examples}).
 * - `delay=<ms>`: wait this long (at most {@link MAX_DELAY_MS}) before answering.
 * - `fault=<name>`: break the response on the wire (see {@link faults}).
 *
 * @since 0.1.0
 */
import type { RefoldApi } from "@refold-effect/contract"
import { Either } from "effect"
import { quoted } from "./internal/Shown.js"

/** How a response can break on the wire. */
export const faults = {
  /** The connection is dropped before any response: the client sees a network error (ECONNRESET). */
  reset: "connection reset before the response",
  /** No response at all, until the client gives up (or {@link MAX_DELAY_MS} passes). */
  hang: "never answers",
  /** Headers promise a longer body than is sent, then the connection ends. */
  truncate: "body cut short of its Content-Length",
  /** A body that is not valid JSON (the real body with its last character missing). */
  malformed: "invalid JSON body",
  /** Status 200 (or `code`) with an empty body. */
  empty: "empty body"
} as const

/** A fault's name. */
export type Fault = keyof typeof faults

/**
 * The named examples of each operation (keys: the contract's operation names), for
 * `example=<name>`. An example answers without any change to the data (a stop example stops nothing).
 */
export const examples = {
  listExecutions: {
    empty: "a page with no executions (mongoose-paginate-v2's envelope for the requested page and limit)",
    seed: "the docs' example page: the single execution of list-executions.seed.txt",
    "unknown-status": "a page of executions with values and fields newer than the docs (status PAUSED, QUEUED, ...)"
  },
  getExecution: {
    seed: "the docs' example execution of get-execution.seed.txt, verbatim",
    "unknown-status": "an execution whose status, node status and fields are newer than the docs"
  },
  stopExecution: {
    seed: "the docs' answer of stop-execution.mdx: {\"message\":\"Stopping instance\"}"
  },
  rerunExecution: {
    seed: "the docs' answer of rerun-execution.mdx: {\"status\":\"success\",\"id\":\"64f3c2a1b4e5f60012345678\"}"
  },
  listExecutionNodeBatches: {
    seed: "the docs' example page of list-batches.mdx (one batch, without totalPages)",
    empty: "a page with no batches"
  },
  executeWorkflow: {
    seed: "the docs' answer of execute-workflow.mdx: {\"message\":\"Workflow execution started\",\"execution_id\":\"6a314c54d4616e99e7fa5a02\"}",
    sync: "an InstanceExecutionResult as the OpenAPI document describes it (sync_execution: true)"
  },
  listWebhooks: { seed: "the docs' answer of get-webhook.mdx: one webhook" },
  registerWebhook: { seed: "the docs' answer of create-webhook.mdx (registers nothing)" },
  getWebhookById: { seed: "the docs' answer of get-webhook-by-id.mdx" },
  updateWebhook: { seed: "the docs' answer of update-webhook.mdx (changes nothing)" },
  deleteWebhook: { seed: "the docs' answer of delete-webhook.mdx: the remaining webhooks (deletes nothing)" }
} as const satisfies Record<RefoldApi.EndpointName, Record<string, string>>

/** What a request asks for. Every field is optional; an empty scenario is the normal answer. */
export interface Scenario {
  readonly code?: number | undefined
  readonly example?: string | undefined
  readonly delay?: number | undefined
  readonly fault?: Fault | undefined
}

/** The longest `delay`, and how long a `hang` lasts at most: 10 minutes. */
export const MAX_DELAY_MS = 600_000

const keys = ["code", "example", "delay", "fault"] as const
type Key = (typeof keys)[number]

/** Checks one value; `where` names it as the client sent it (`Prefer "code"`, `query parameter "__code"`). */
const field = (key: Key, value: string, where: string): Either.Either<Partial<Scenario>, string> => {
  const invalid = (expected: string) => Either.left(`Invalid scenario ${where}: expected ${expected}, got ${quoted(value)}`)
  switch (key) {
    case "code": {
      const code = /^[1-5][0-9]{2}$/.test(value) ? Number(value) : NaN
      return code === 200 || (code >= 400 && code <= 599) ? Either.right({ code }) : invalid("200 or an error status from 400 to 599")
    }
    case "delay": {
      const delay = /^[0-9]{1,7}$/.test(value) ? Number(value) : NaN
      return delay <= MAX_DELAY_MS ? Either.right({ delay }) : invalid(`milliseconds from 0 to ${MAX_DELAY_MS}`)
    }
    case "fault":
      return Object.hasOwn(faults, value) ? Either.right({ fault: value as Fault }) : invalid(`one of ${Object.keys(faults).join(", ")}`)
    case "example":
      return /^[a-z0-9-]{1,64}$/.test(value) ? Either.right({ example: value }) : invalid("an example name such as seed or empty")
  }
}

const consistent = (scenario: Scenario): Either.Either<Scenario, string> => {
  if (scenario.example !== undefined && scenario.code !== undefined && scenario.code !== 200) {
    return Either.left(`Invalid scenario: example=${scenario.example} is a 200 body and cannot be combined with code=${scenario.code}`)
  }
  if ((scenario.fault === "reset" || scenario.fault === "hang") && (scenario.code !== undefined || scenario.example !== undefined)) {
    return Either.left(`Invalid scenario: fault=${scenario.fault} sends no response, so it cannot be combined with code or example`)
  }
  return Either.right(scenario)
}

const unquote = (s: string) => (s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s)

/** The preferences of a `Prefer` header that name a scenario: `code=429, example="seed"; x=y`. */
const fromPrefer = (header: string): Either.Either<Scenario, string> => {
  const out: Record<string, unknown> = {}
  for (const part of header.split(",")) {
    const preference = part.split(";")[0]!.trim()
    const eq = preference.indexOf("=")
    const key = (eq === -1 ? preference : preference.slice(0, eq)).trim().toLowerCase()
    if (!(keys as ReadonlyArray<string>).includes(key)) continue
    const value = eq === -1 ? "" : unquote(preference.slice(eq + 1).trim())
    const parsed = field(key as Key, value, `Prefer "${key}"`)
    if (Either.isLeft(parsed)) return parsed
    if (Object.hasOwn(out, key) && out[key] !== parsed.right[key as Key]) {
      return Either.left(`Invalid scenario Prefer "${key}": given twice with different values`)
    }
    Object.assign(out, parsed.right)
  }
  return consistent(out)
}

/** The `__code`, `__example`, `__delay` and `__fault` query parameters of a URL. */
const fromQuery = (url: string, start: number): Either.Either<Scenario, string> => {
  const hash = url.indexOf("#", start)
  const params = new URLSearchParams(url.slice(start, hash === -1 ? undefined : hash))
  const out: Record<string, unknown> = {}
  for (const key of keys) {
    const values = params.getAll(`__${key}`)
    if (values.length === 0) continue
    if (values.length > 1) return Either.left(`Invalid scenario query parameter "__${key}": expected a single value, got it more than once`)
    const parsed = field(key, values[0]!, `query parameter "__${key}"`)
    if (Either.isLeft(parsed)) return parsed
    Object.assign(out, parsed.right)
  }
  return consistent(out)
}

/** What most requests ask for. */
const NONE: Either.Either<Scenario | undefined, string> = Either.right(undefined)

const isEmpty = (s: Scenario) => s.code === undefined && s.example === undefined && s.delay === undefined && s.fault === undefined

/**
 * The scenario a request asks for: from its `Prefer` header when it has one, else from its `__`
 * query parameters. `undefined` when it asks for none; a `Left` with a message naming the bad
 * preference or parameter (for a 400) when it asks for one that does not exist.
 */
export const parse = (headers: Pick<Headers, "get">, url: string): Either.Either<Scenario | undefined, string> => {
  const prefer = headers.get("prefer")
  let scenario: Either.Either<Scenario, string>
  if (prefer !== null) scenario = fromPrefer(prefer)
  else {
    const query = url.indexOf("?")
    if (query === -1 || url.indexOf("__", query) === -1) return NONE
    scenario = fromQuery(url, query + 1)
  }
  return Either.map(scenario, (s) => (isEmpty(s) ? undefined : s))
}
