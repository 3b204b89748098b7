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

const metas = new Map<number, string>()

/**
 * `Page.meta` as JSON, without its opening brace, remembered: clients ask for the same few pages
 * over and over, and serialising costs more than the lookup. The key packs the three numbers into
 * one while they fit in 53 bits; beyond that (pages past 131071, say) nothing is remembered.
 */
const metaJson = (totalDocs: number, page: number, limit: number): string => {
  const key = totalDocs < 2 ** 26 && page < 2 ** 17 && limit < 1024 ? (totalDocs * 2 ** 17 + page) * 1024 + limit : -1
  let json = metas.get(key)
  if (json === undefined) {
    json = JSON.stringify(Page.meta(totalDocs, page, limit)).slice(1)
    if (key === -1) return json
    if (metas.size >= 10_000) metas.clear()
    metas.set(key, json)
  }
  return json
}

/**
 * The page body: the docs' cached JSON and the metadata, joined in one go into a flat string, which
 * the server then measures and writes without first copying a concatenation of pieces.
 */
const pageJson = (docs: ReadonlyArray<Fixture.Record>, meta: string): string => {
  const parts = new Array<string>(docs.length * 2 + 2)
  parts[0] = '{"docs":['
  for (let i = 0; i < docs.length; i++) {
    parts[2 * i + 1] = i === 0 ? "" : ","
    parts[2 * i + 2] = ExecutionJson.summaryJson(docs[i]!)
  }
  parts[docs.length * 2 + 1] = `],${meta}`
  return parts.join("")
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
