/**
 * The check of an id in a path: the new routes answer a malformed id with a 400 that names the
 * parameter and what it expected, rather than the 404 of an id that could exist.
 */
import type { Context } from "hono"
import * as Reply from "./Reply.js"

const OBJECT_ID = /^[0-9a-fA-F]{24}$/

/** The error code of a malformed id in a path. */
export const INVALID_ID = "INVALID_PATH_PARAMETER"

const shown = (value: string) => JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value)

/** `undefined` when the path parameter `name` is an ObjectId, else the 400 that says it is not. */
export const check = (c: Context<Reply.MockEnv>, name: string): Response | undefined => {
  const value = c.req.param(name) ?? ""
  return OBJECT_ID.test(value)
    ? undefined
    : Reply.error(c, 400, INVALID_ID, `Invalid path parameter "${name}": expected a 24-hex-digit ObjectId, got ${shown(value)}`)
}
