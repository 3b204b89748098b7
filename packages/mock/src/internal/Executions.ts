/**
 * The read endpoints' handlers (list and get): thin, synchronous, over the store's indexes.
 * Authentication has already put the account in `linkedAccountId`. Each app has its own
 * ({@link make}): its serialised records, its page metadata and its slab of page bodies.
 */
import { Page } from "@refold-effect/contract"
import { Either } from "effect"
import type { Context } from "hono"
import type { ExecutionStore } from "../ExecutionStore.js"
import * as ExecutionJson from "./ExecutionJson.js"
import * as Query from "./Query.js"
import * as Reply from "./Reply.js"

/**
 * `Page.meta` as UTF-8 JSON, without its opening brace, remembered: clients ask for the same few
 * pages over and over, and serialising costs more than the lookup. The key packs the three numbers
 * into one while they fit in 53 bits; beyond that (pages past 131071, say) nothing is remembered.
 */
const metaJson = (metas: Map<number, Uint8Array<ArrayBuffer>>, totalDocs: number, page: number, limit: number): Uint8Array<ArrayBuffer> => {
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

/** Where an app's page bodies are carved from. */
interface Slab {
  buffer: Buffer
  at: number
}

/**
 * The page body, as the UTF-8 bytes the server writes: the docs' cached JSON and the metadata,
 * copied once into a slab. A string built instead would be a copy in the young generation, which
 * the server then copies again to encode it.
 */
const pageJson = (slab: Slab, pieces: ReadonlyArray<Uint8Array>, meta: Uint8Array): Uint8Array<ArrayBuffer> => {
  let size = OPEN.length + Math.max(0, pieces.length - 1) + CLOSE.length + meta.length
  for (const piece of pieces) size += piece.length
  if (slab.at + size > slab.buffer.length) {
    slab.buffer = Buffer.allocUnsafeSlow(Math.max(SLAB, size))
    slab.at = 0
  }
  const body = slab.buffer.subarray(slab.at, slab.at + size) as Uint8Array<ArrayBuffer>
  slab.at += (size + 7) & ~7
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

/** The read handlers of one app. */
export interface Handlers {
  /** `GET /api/v2/public/execution`: a page of the account's executions in mongoose-paginate-v2's envelope. */
  readonly list: (c: Context<Reply.MockEnv>) => Response
  /**
   * `GET /api/v2/public/execution/:execution_id`: one of the account's executions. An id that is
   * unknown, malformed or another account's is the same 404.
   */
  readonly get: (c: Context<Reply.MockEnv>) => Response
  /** The app's serialised records, for the other handlers that answer an execution. */
  readonly json: ExecutionJson.Cache
}

/** The read handlers of an app over `store`. */
export const make = (store: ExecutionStore): Handlers => {
  const json = ExecutionJson.make()
  const metas = new Map<number, Uint8Array<ArrayBuffer>>()
  const slab: Slab = { buffer: Buffer.allocUnsafeSlow(SLAB), at: 0 }
  return {
    json,
    list: (c) => {
      const query = Query.parse(c.req.url)
      if (Either.isLeft(query)) return Reply.error(c, 400, Reply.codes.invalidQuery, query.left)
      const { page, limit } = query.right
      const { docs, totalDocs } = store.list(c.get("linkedAccountId"), query.right)
      return Reply.json(200, pageJson(slab, docs.map(json.summaryJson), metaJson(metas, totalDocs, page, limit)), Reply.requestId(c))
    },
    get: (c) => {
      const record = store.get(c.get("linkedAccountId"), c.req.param("execution_id") ?? "")
      return record === undefined ? Reply.documented(c, "notFound") : Reply.json(200, json.detailJson(record), Reply.requestId(c))
    }
  }
}
