/**
 * The two endpoints' handlers: thin, synchronous, over the store's indexes. Authentication has
 * already put the account in `linkedAccountId`.
 */
import { Page } from "@refold-effect/contract"
import { Either } from "effect"
import type { Context } from "hono"
import type { Fixture } from "@refold-effect/fixtures"
import type { ExecutionStore } from "../ExecutionStore.js"
import * as ExecutionJson from "./ExecutionJson.js"
import * as Query from "./Query.js"
import * as Reply from "./Reply.js"

const metas = new Map<number, Uint8Array<ArrayBuffer>>()

/**
 * `Page.meta` as UTF-8 JSON, without its opening brace, remembered: clients ask for the same few
 * pages over and over, and serialising costs more than the lookup. The key packs the three numbers
 * into one while they fit in 53 bits; beyond that (pages past 131071, say) nothing is remembered.
 */
const metaJson = (totalDocs: number, page: number, limit: number): Uint8Array<ArrayBuffer> => {
  const key = totalDocs < 2 ** 26 && page < 2 ** 17 && limit < 1024 ? (totalDocs * 2 ** 17 + page) * 1024 + limit : -1
  let json = metas.get(key)
  if (json === undefined) {
    json = Buffer.from(JSON.stringify(Page.meta(totalDocs, page, limit)).slice(1))
    if (key === -1) return json
    if (metas.size >= 10_000) metas.clear()
    metas.set(key, json)
  }
  return json
}

const OPEN = Buffer.from('{"docs":[')
const CLOSE = Buffer.from("],")
const COMMA = 0x2c

// Page bodies are carved from slabs in turn, as Node's own pool does for small buffers: a buffer of
// its own per body would be an `ArrayBuffer` to allocate and sweep per request. A slab is never
// written twice; a new one replaces it when full, and the old one goes when its bodies are sent.
const SLAB = 256 * 1024
let slab = Buffer.allocUnsafeSlow(SLAB)
let slabAt = 0

/**
 * The page body, as the UTF-8 bytes the server writes: the docs' cached JSON and the metadata,
 * copied once into a slab. A string built instead would be a copy in the young generation, which
 * the server then copies again to encode it.
 */
const pageJson = (docs: ReadonlyArray<Fixture.Record>, meta: Uint8Array): Uint8Array<ArrayBuffer> => {
  const pieces = docs.map(ExecutionJson.summaryJson)
  let size = OPEN.length + Math.max(0, pieces.length - 1) + CLOSE.length + meta.length
  for (const piece of pieces) size += piece.length
  if (slabAt + size > slab.length) {
    slab = Buffer.allocUnsafeSlow(Math.max(SLAB, size))
    slabAt = 0
  }
  const body = slab.subarray(slabAt, slabAt + size)
  slabAt += (size + 7) & ~7
  body.set(OPEN, 0)
  let at = OPEN.length
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) body[at++] = COMMA
    body.set(pieces[i]!, at)
    at += pieces[i]!.length
  }
  body.set(CLOSE, at)
  body.set(meta, at + CLOSE.length)
  return body
}

/** `GET /api/v2/public/execution`: a page of the account's executions in mongoose-paginate-v2's envelope. */
export const list = (store: ExecutionStore) => (c: Context<Reply.MockEnv>): Response => {
  const query = Query.parse(c.req.url)
  if (Either.isLeft(query)) return Reply.error(c, 400, Reply.codes.invalidQuery, query.left)
  const { page, limit } = query.right
  const { docs, totalDocs } = store.list(c.get("linkedAccountId"), query.right)
  return Reply.json(200, pageJson(docs, metaJson(totalDocs, page, limit)), Reply.requestId(c))
}

/**
 * `GET /api/v2/public/execution/:execution_id`: one of the account's executions. An id that is
 * unknown, malformed or another account's is the same 404.
 */
export const get = (store: ExecutionStore) => (c: Context<Reply.MockEnv>): Response => {
  const record = store.get(c.get("linkedAccountId"), c.req.param("execution_id") ?? "")
  return record === undefined ? Reply.documented(c, "notFound") : Reply.json(200, ExecutionJson.detailJson(record), Reply.requestId(c))
}
