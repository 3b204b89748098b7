/**
 * The JSON body of a POST, read with a bound: a body larger than {@link MAX_BYTES} is refused with a
 * 413 as soon as its `Content-Length` (or its bytes so far) says so, never buffered whole; a body
 * that is not JSON is a 400 naming the problem. Both in the vendor's error shape.
 */
import { Either } from "effect"
import type { Context } from "hono"
import * as Node from "./Node.js"
import * as Reply from "./Reply.js"

/** The largest body accepted: 1 MiB (Express's `json()` defaults to 100 KB; payloads may be bigger). */
export const MAX_BYTES = 1024 * 1024

/** The error codes of a refused body. */
export const codes = { tooLarge: "PAYLOAD_TOO_LARGE", invalidJson: "INVALID_JSON_BODY", invalidBody: "INVALID_BODY" } as const

/** `bytes` in the unit a person reads it in: `1 MiB`, `64 KiB`. */
const sized = (bytes: number) => (bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`)

/** The 413 of a body larger than `max` bytes, on every route that reads one (each route has its bound). */
export const tooLarge = (c: Context<Reply.MockEnv>, max: number = MAX_BYTES): Response =>
  Reply.error(c, 413, codes.tooLarge, `Request body larger than ${sized(max)} (${max} bytes)`)

/**
 * A body's bytes, read chunk by chunk, or `undefined` as soon as they pass `max` (the rest is
 * cancelled, never read).
 */
const readBounded = async (stream: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array | undefined> => {
  const reader = stream.getReader()
  const chunks: Array<Uint8Array> = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > max) {
      await reader.cancel().catch(() => undefined)
      return undefined
    }
    chunks.push(value)
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
}

/** The body's bytes, or the 413 once they pass `max`. */
const bytes = async (c: Context<Reply.MockEnv>, max: number): Promise<Either.Either<Uint8Array, Response>> => {
  const headers = Node.headers(c.req.raw, c.env)
  const length = headers.get("content-length")
  // Over TCP, no length and not chunked is no body (the usual stop or rerun): not reading it spares
  // the stream that the Node adapter would build around the request. In-process, a `Request` knows.
  const none = Node.bindings(c.env) === undefined
    ? c.req.raw.body === null
    : (length === null || length === "0") && headers.get("transfer-encoding") === null
  if (none) return Either.right(new Uint8Array(0))
  if (Number(length ?? "0") > max) return Either.left(tooLarge(c, max))
  const stream = c.req.raw.body
  if (stream === null) return Either.right(new Uint8Array(0))
  const read = await readBounded(stream, max)
  return read === undefined ? Either.left(tooLarge(c, max)) : Either.right(read)
}

/**
 * The body as text (`""` when there is none), read up to `max` bytes (the route's bound; a 413 past
 * it), and kept in the request's journal entry: every route that reads a body reads it here.
 */
export const text = async (c: Context<Reply.MockEnv>, max: number = MAX_BYTES): Promise<Either.Either<string, Response>> => {
  const read = await bytes(c, max)
  if (Either.isLeft(read)) return Either.left(read.left)
  const text = Buffer.from(read.right.buffer, read.right.byteOffset, read.right.byteLength).toString("utf8")
  Reply.journalBody(c, text)
  return Either.right(text)
}

/**
 * The body parsed as JSON; `undefined` when there is none (or only white space). A 413 or 400
 * response in the `Left` otherwise.
 */
export const json = async (c: Context<Reply.MockEnv>): Promise<Either.Either<unknown, Response>> => {
  const read = await text(c)
  if (Either.isLeft(read)) return read
  if (read.right.trim() === "") return Either.right(undefined)
  try {
    return Either.right(JSON.parse(read.right))
  } catch (e) {
    return Either.left(Reply.error(c, 400, codes.invalidJson, `Invalid JSON body: ${(e as Error).message.slice(0, 200)}`))
  }
}

/** The body as a JSON object (absent: `{}`), or the 400 that says it is not one. */
export const object = async (c: Context<Reply.MockEnv>): Promise<Either.Either<Readonly<Record<string, unknown>>, Response>> => {
  const body = await json(c)
  if (Either.isLeft(body)) return Either.left(body.left)
  const value = body.right
  if (value === undefined) return Either.right({})
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return Either.left(Reply.error(c, 400, codes.invalidBody, `Invalid body: expected a JSON object such as {"payload": {...}}, got ${Array.isArray(value) ? "an array" : JSON.stringify(value).slice(0, 64)}`))
  }
  return Either.right(value as Record<string, unknown>)
}
