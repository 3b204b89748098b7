/**
 * The webhook subscription operations' handlers, thin over `Subscriptions`. Webhooks are an org
 * resource: the API key alone authenticates (`linked_account_id` is not needed); a session token
 * is refused with the vendor's 401, since a delivery is signed with the key that registered it.
 *
 * @internal
 */
import { Webhook } from "@refold-effect/contract"
import { Either, ParseResult, Redacted, Schema } from "effect"
import type { Context } from "hono"
import * as Body from "./Body.js"
import * as CustomHeaders from "./CustomHeaders.js"
import * as JsonDepth from "./JsonDepth.js"
import * as Node from "./Node.js"
import type * as Pipeline from "./Pipeline.js"
import * as Reply from "./Reply.js"
import type { Subscriptions } from "./Subscriptions.js"

/** The largest request body the webhook routes read. */
export const maxBody = 64 * 1024

/** How deep a webhook's JSON may nest (its `webhook_body` is walked when rendered); deeper bodies are refused before they are parsed. */
export const maxDepth = 32

/** The error code of a body that is not a valid webhook. */
export const INVALID_BODY = "INVALID_REQUEST_BODY"

/** The step in front of the webhook routes: the vendor's 401 unless `x-api-key` holds an accepted key, kept as `apiKey`. */
export const orgAuth = (apiKeys: ReadonlySet<string> | undefined): Pipeline.Step<Reply.MockEnv> => (c, next) => {
  const key = Node.headers(c.req.raw, c.env).get("x-api-key")
  if (key === null || key === "" || (apiKeys !== undefined && !apiKeys.has(key))) return Reply.documented(c, "unauthorized")
  c.set("apiKey", Redacted.make(key))
  return next(c)
}

const keyOf = (c: Context<Reply.MockEnv>) => Redacted.value(c.get("apiKey"))

const documented = (c: Context<Reply.MockEnv>, which: keyof typeof Webhook.documented, detail?: string) => {
  const [status, code, message] = Webhook.documented[which]
  return Reply.error(c, status, code, detail === undefined ? message : `${message} ${detail}`)
}

const ok = (c: Context<Reply.MockEnv>, body: unknown) => Reply.json(200, JSON.stringify(body), Reply.requestId(c))

/** The request's JSON body decoded with `schema`, or the error that says what is wrong: a 413 past {@link maxBody}, else a 400 (an undocumented event is `INVALID_EVENT`). */
const body = async <A, I>(c: Context<Reply.MockEnv>, schema: Schema.Schema<A, I>): Promise<Either.Either<A, Response>> => {
  const read = await Body.text(c, maxBody)
  if (Either.isLeft(read)) return Either.left(read.left)
  const text = read.right
  if (JsonDepth.deeperThan(text, maxDepth)) return Either.left(Reply.error(c, 400, INVALID_BODY, `Invalid JSON body: nested deeper than ${maxDepth} levels`))
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return Either.left(Reply.error(c, 400, INVALID_BODY, `Invalid JSON body: ${(e as Error).message}`))
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return Either.left(Reply.error(c, 400, INVALID_BODY, "Invalid body: expected a JSON object"))
  const decoded = Schema.decodeUnknownEither(schema, { errors: "first" })(json)
  const headers = Either.isRight(decoded) ? (decoded.right as { readonly webhook_headers?: Readonly<Record<string, string>> | undefined }).webhook_headers : undefined
  const wrong = headers === undefined ? undefined : CustomHeaders.check(headers)
  if (wrong !== undefined) return Either.left(Reply.error(c, 400, INVALID_BODY, `Invalid body: ${wrong}`))
  return Either.mapLeft(decoded, (error) => {
    const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
    const path = issues[0]?.path.join(".") ?? ""
    const why = firstProblem(issues)
    return /^(webhook_)?events\b/.test(path) && !/at least one/.test(why) ? documented(c, "invalidEvent", `(${why})`) : Reply.error(c, 400, INVALID_BODY, `Invalid body: ${why}`)
  })
}

/**
 * The first problem of a decoding, by path. A value that matches none of a union of literals (a
 * method, a type, an event) fails once per member: those are told as one, every allowed value named.
 */
const firstProblem = (issues: ReadonlyArray<ParseResult.ArrayFormatterIssue>): string => {
  const first = issues[0]
  if (first === undefined) return "invalid"
  const path = first.path.join(".")
  const at = path === "" ? "" : `${path}: `
  const same = issues.filter((i) => i.path.join(".") === path).map((i) => /^Expected (.+), actual (.+)$/s.exec(i.message))
  if (same.length > 1 && same.every((m) => m !== null && m[2] === same[0]![2])) {
    // An optional field may be left out: `undefined` is not worth naming among the values it takes.
    const allowed = same.map((m) => m![1]).filter((a) => a !== "undefined")
    return `${at}expected ${allowed.length === 1 ? allowed[0] : `one of ${allowed.join(", ")}`}, got ${same[0]![2]}`
  }
  return `${at}${first.message}`
}

/** `GET /api/v2/public/webhook`. */
export const list = (subscriptions: Subscriptions) => (c: Context<Reply.MockEnv>) => ok(c, subscriptions.list(keyOf(c)))

/** `POST /api/v2/public/webhook`. */
export const create = (subscriptions: Subscriptions) => async (c: Context<Reply.MockEnv>) => {
  const request = await body(c, Webhook.Create)
  if (Either.isLeft(request)) return request.left
  const created = subscriptions.create(keyOf(c), request.right)
  return typeof created === "string" ? Reply.error(c, 400, INVALID_BODY, created) : ok(c, created)
}

/** `GET /api/v2/public/webhook/:id`. */
export const get = (subscriptions: Subscriptions) => (c: Context<Reply.MockEnv>) => {
  const found = subscriptions.get(keyOf(c), c.req.param("id") ?? "")
  return found === undefined ? documented(c, "notFound") : ok(c, found)
}

/** `PUT /api/v2/public/webhook/:id`: the body is checked first (a bad one is a 400 whatever the id), then the id. */
export const update = (subscriptions: Subscriptions) => async (c: Context<Reply.MockEnv>) => {
  const key = keyOf(c)
  const id = c.req.param("id") ?? ""
  const patch = await body(c, Webhook.Update)
  if (Either.isLeft(patch)) return patch.left
  const updated = subscriptions.update(key, id, patch.right)
  return updated === undefined ? documented(c, "notFound") : ok(c, updated)
}

/** `DELETE /api/v2/public/webhook/:id`: the remaining subscriptions. */
export const remove = (subscriptions: Subscriptions) => (c: Context<Reply.MockEnv>) => {
  const key = keyOf(c)
  return subscriptions.remove(key, c.req.param("id") ?? "") ? ok(c, subscriptions.list(key)) : documented(c, "notFound")
}
