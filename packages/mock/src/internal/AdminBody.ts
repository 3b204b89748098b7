/**
 * The body of an admin request (`/__admin/...`): every admin route that takes a body reads it here,
 * so that each refuses the same bodies with the same 400 `INVALID_ADMIN_REQUEST`.
 */
import { Either } from "effect"
import type { Context } from "hono"
import * as JsonDepth from "./JsonDepth.js"
import * as Reply from "./Reply.js"

/** The error code of an admin request the mock refuses. */
export const INVALID_ADMIN_REQUEST = "INVALID_ADMIN_REQUEST"

/** How deep an admin body's JSON may nest; deeper bodies are refused before they are parsed. */
export const MAX_DEPTH = 32

/** JSON's media types: `application/json` and any `+json` type, with or without parameters. */
const JSON_TYPE = /^application\/(?:[a-z0-9.!#$&^_-]+\+)?json(?:$|[ \t]*;)/i

const utf8 = new TextDecoder("utf-8", { fatal: true })

/** The 400 of an admin request, naming what was wrong. */
export const invalid = (c: Context<Reply.MockEnv>, message: string): Response => Reply.error(c, 400, INVALID_ADMIN_REQUEST, message)

/**
 * The JSON body of an admin request, or the 400 that explains why it is not one: a body sent as
 * another type than `application/json` (or `+json`; a body without a type is read as JSON), not
 * UTF-8, not JSON, or nested deeper than {@link MAX_DEPTH}. An empty body is `{}`. (Its size is
 * bounded by the `bodyLimit` in front of every admin route.)
 */
export const json = async (c: Context<Reply.MockEnv>): Promise<Either.Either<unknown, Response>> => {
  const bytes = new Uint8Array(await c.req.arrayBuffer())
  if (bytes.length === 0) return Either.right({})
  const type = c.req.header("content-type")
  if (type !== undefined && !JSON_TYPE.test(type)) {
    return Either.left(invalid(c, `Invalid Content-Type ${JSON.stringify(type.slice(0, 100))}: send the body as application/json`))
  }
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    return Either.left(invalid(c, "Invalid body: not UTF-8 text"))
  }
  if (JsonDepth.deeperThan(text, MAX_DEPTH)) return Either.left(invalid(c, `Invalid JSON body: nested deeper than ${MAX_DEPTH} levels`))
  try {
    return Either.right(JSON.parse(text))
  } catch (e) {
    return Either.left(invalid(c, `Invalid JSON body: ${(e as Error).message}`))
  }
}

/** {@link json}, for routes that take a JSON object. */
export const object = async (c: Context<Reply.MockEnv>): Promise<Either.Either<Record<string, unknown>, Response>> => {
  const body = await json(c)
  if (Either.isLeft(body)) return Either.left(body.left)
  const value = body.right
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? Either.right(value as Record<string, unknown>)
    : Either.left(invalid(c, "Invalid body: expected a JSON object"))
}
