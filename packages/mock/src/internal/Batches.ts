/**
 * `GET /api/v2/public/execution/:execution_id/nodes/:node_id/batches`: the batches a batch node
 * processed, in pages.
 *
 * The data sets hold no batches of their own: a batch node's batches follow from the node itself.
 * Their number is its output's `batches` (default 4), each of `batch_size` items (input, default 50;
 * the last one gets the rest of the output's `processed`). Their statuses follow the node's: all
 * `Success` for a successful node; the output's `failed_batches` (default the last one) `Errored`
 * for a failed one; for a node still running the first half `Success`, then `Waiting`, then `Ready`;
 * for a stopped or timed-out node the first half `Success`, the rest `Stopped` or `Timed_Out`; none
 * for a node that has not started.
 */
import { Batch, Page } from "@refold-effect/contract"
import type { Fixture } from "@refold-effect/fixtures"
import { Either, ParseResult, Schema } from "effect"
import type { Context } from "hono"
import type { ExecutionStore } from "../ExecutionStore.js"
import * as Ids from "./Ids.js"
import * as Reply from "./Reply.js"

const field = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined

const count = (value: unknown, fallback: number) =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value <= 10_000 ? value : fallback

/** The batches of a batch node, derived from its status, input and output. */
export const of = (node: Fixture.Node): ReadonlyArray<Batch.Batch> => {
  if (node.node_status === "Ready" || node.node_status === "Errored_and_Skipped") return []
  const total = count(field(node.latest_output, "batches"), 4)
  const size = Math.max(1, count(field(node.input_data, "batch_size"), 50))
  const processed = count(field(node.latest_output, "processed"), total * size)
  const failedRaw = field(node.latest_output, "failed_batches")
  const failed = new Set(Array.isArray(failedRaw) ? failedRaw : [total - 1])
  const half = Math.ceil(total / 2)
  const statusAt = (i: number): string => {
    switch (node.node_status) {
      case "Success":
        return "Success"
      case "Errored":
      case "Rejected":
        return failed.has(i) ? "Errored" : "Success"
      case "Waiting":
        return i < half ? "Success" : i === half ? "Waiting" : "Ready"
      case "Stopped":
        return i < half ? "Success" : "Stopped"
      case "Timed_Out":
        return i < half ? "Success" : "Timed_Out"
      default:
        return node.node_status
    }
  }
  return Array.from({ length: total }, (_, i) => {
    const status = statusAt(i)
    const items = i < total - 1 ? size : Math.max(0, processed - size * (total - 1))
    return {
      batch_index: i,
      status,
      output: status === "Success" ? { processed: items } : status === "Errored" ? { error: `Batch ${i} failed`, processed: 0 } : {}
    }
  })
}

const decodeQuery = Schema.decodeUnknownEither(Batch.Params, { errors: "first", onExcessProperty: "ignore" })

/** The batches query of a URL: page, limit and status, each a single value. */
const query = (url: string): Either.Either<Batch.Params, string> => {
  const start = url.indexOf("?")
  const params = new URLSearchParams(start === -1 ? "" : url.slice(start + 1))
  const raw: Record<string, string> = {}
  for (const name of Object.keys(Batch.Params.fields)) {
    const values = params.getAll(name)
    if (values.length > 1) return Either.left(`Invalid query parameter "${name}": expected a single value, got it more than once`)
    if (values.length === 1) raw[name] = values[0]!
  }
  return Either.mapLeft(decodeQuery(raw), (e) => ParseResult.ArrayFormatter.formatErrorSync(e)[0]?.message ?? "Invalid query parameters")
}

/** The page and limit of a batches request, for its examples. */
export const paging = (url: string): Either.Either<{ readonly page: number; readonly limit: number }, string> =>
  Either.map(query(url), (q) => ({ page: q.page ?? 1, limit: q.limit ?? 10 }))

/** The handler of an app over `store`. */
export const list = (store: ExecutionStore) => (c: Context<Reply.MockEnv>): Response => {
  // Input first (the id's shape, the query), then what it names: a bad query is a 400 whatever the node.
  const malformed = Ids.check(c, "execution_id")
  if (malformed !== undefined) return malformed
  const q = query(c.req.url)
  if (Either.isLeft(q)) return Reply.error(c, 400, Reply.codes.invalidQuery, q.left)
  const record = store.get(c.get("linkedAccountId"), c.req.param("execution_id")!)
  if (record === undefined) return Reply.documented(c, "notFound")
  const nodeId = c.req.param("node_id") ?? ""
  const node = record.nodes.find((n) => n.node_id === nodeId)
  if (node === undefined) {
    const shown = JSON.stringify(nodeId.length > 64 ? `${nodeId.slice(0, 64)}…` : nodeId)
    return Reply.error(c, 404, "RESOURCE_NOT_FOUND", `Node ${shown} not found in execution ${record._id}`)
  }
  // 501 in both readings: a node that is not a batch node (docs page), a Thanos-run execution (OpenAPI).
  if (!node.is_batch || record.executed_by_thanos === true) return Reply.documented(c, "batchesNotImplemented")
  const page = q.right.page ?? 1
  const limit = q.right.limit ?? 10
  const status = q.right.status
  const all = of(node).filter((b) => status === undefined || status === "" || b.status === status)
  const docs = all.slice((page - 1) * limit, page * limit)
  return Reply.json(200, JSON.stringify({ docs, ...Page.meta(all.length, page, limit) }), Reply.requestId(c))
}
