/**
 * Receiving Refold's webhooks: check that a delivery came from Refold (`x-cobalt-signature`, the
 * hex HMAC-SHA256 of the raw body keyed on your API key) and decode its payload with the
 * contract's schema.
 *
 * ```ts
 * import { Webhooks } from "@refold-effect/sdk"
 *
 * // rawBody: the request body exactly as received (string or bytes), before any JSON parsing.
 * const payload = yield* Webhooks.receive(rawBody, request.headers["x-cobalt-signature"], apiKey)
 * if (payload.event === "Workflow Errored") yield* alert(payload.instance_id)
 * ```
 *
 * Runs wherever Web Crypto does (Node.js 20+, Bun, Deno, browsers, edge workers): the comparison is
 * Web Crypto's own HMAC `verify`, which compares in constant time, so the time taken reveals
 * nothing about how much of a forged signature was right.
 *
 * @since 0.1.0
 */
import { Webhook } from "@refold-effect/contract"
import { Effect, Either, ParseResult, Redacted, Schema } from "effect"
import { kindOf, shorten } from "./internal/show.js"

/** The header that carries a delivery's signature (`x-cobalt-signature`). */
export const signatureHeader = Webhook.signatureHeader

/** A delivery's body: the documented workflow and connection payloads, told apart by `event`. */
export type Payload = Webhook.Payload

/**
 * A delivery that cannot be trusted: no signature, a malformed one, or one that does not match the
 * body and key. The message says which, never the key nor the expected signature.
 */
export class InvalidSignature extends Schema.TaggedError<InvalidSignature>()("InvalidSignature", {
  message: Schema.String
}) {}

/** A signed delivery whose body is not JSON, or not one of the documented payloads (the message names the field). */
export class InvalidPayload extends Schema.TaggedError<InvalidPayload>()("InvalidPayload", {
  message: Schema.String
}) {}

/** What {@link receive} fails with. */
export type WebhookError = InvalidSignature | InvalidPayload

/** Raw body: the bytes as received, or their text. */
export type RawBody = string | Uint8Array | ArrayBuffer | DataView

/** A signature header's value as frameworks hand it over (Node gives `string | string[] | undefined`). */
export type SignatureHeader = string | ReadonlyArray<string> | null | undefined

const encoder = new TextEncoder()

/** The bytes of a raw body; any view (a `DataView`, a `Buffer` slice of a shared pool) as the bytes it covers. */
const bytesOf = (body: RawBody): Uint8Array<ArrayBuffer> =>
  typeof body === "string"
    ? encoder.encode(body)
    : body instanceof ArrayBuffer
    ? new Uint8Array(body)
    : new Uint8Array(body.buffer, body.byteOffset, body.byteLength).slice() // a copy, on an ArrayBuffer as Web Crypto wants

/** Whether `body` is one of the {@link RawBody} types. */
const isRaw = (body: unknown): body is RawBody => typeof body === "string" || body instanceof ArrayBuffer || ArrayBuffer.isView(body)

/** The error for a `rawBody` that is not the body as received. */
const notRaw = (body: unknown) =>
  new InvalidPayload({
    message: `Webhook rawBody must be the body as received (a string, Uint8Array/Buffer, ArrayBuffer or DataView), got ${kindOf(body)}: ` +
      "read it before any JSON parsing (a parsed body cannot be verified)"
  })

/** 64 hex digits as the 32 bytes of an HMAC-SHA256, or why not. */
const parseSignature = (header: SignatureHeader): Either.Either<Uint8Array<ArrayBuffer>, string> => {
  if (header === null || header === undefined) return Either.left(`no ${signatureHeader} header`)
  if (Array.isArray(header)) {
    return header.length === 1 ? parseSignature(header[0]) : Either.left(`${header.length} ${signatureHeader} headers; expected one`)
  }
  if (typeof header !== "string") return Either.left(`${signatureHeader} is not 64 hex digits (an HMAC-SHA256)`)
  const hex = header.trim()
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return Either.left(`${signatureHeader} is not 64 hex digits (an HMAC-SHA256)`)
  const bytes = new Uint8Array(32)
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return Either.right(bytes)
}

const subtle = () => {
  const crypto = globalThis.crypto as Crypto | undefined
  if (crypto?.subtle === undefined) throw new Error("Web Crypto (crypto.subtle) is not available in this runtime")
  return crypto.subtle
}

/** Why a signature does not verify, or `undefined` when it does. */
const check = (rawBody: RawBody, signature: SignatureHeader, apiKey: string | Redacted.Redacted<string>): Effect.Effect<string | undefined> => {
  // A key from an unset variable (`process.env.X!`) arrives as `undefined`: no key, like "".
  const key = Redacted.isRedacted(apiKey) ? Redacted.value(apiKey) : apiKey
  if (typeof key !== "string" || key === "") return Effect.succeed("no API key to verify with")
  if (!isRaw(rawBody)) return Effect.succeed(`the body is ${kindOf(rawBody)}, not the raw bytes it was signed as`)
  return Either.match(parseSignature(signature), {
    onLeft: (why) => Effect.succeed(why),
    onRight: (expected) =>
      Effect.promise(async () => {
        const hmac = await subtle().importKey("raw", encoder.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["verify"])
        // Web Crypto compares the MAC in constant time.
        const valid = await subtle().verify("HMAC", hmac, expected, bytesOf(rawBody))
        return valid ? undefined : `${signatureHeader} does not match the body and API key`
      })
  })
}

/**
 * Whether `signature` (the `x-cobalt-signature` header) is the HMAC-SHA256 of `rawBody` keyed on
 * `apiKey`. `rawBody` must be the body exactly as received: parsing and re-serialising JSON changes
 * its bytes. Never fails: a missing or malformed signature, or an empty key, is `false`.
 */
export const verify = (rawBody: RawBody, signature: SignatureHeader, apiKey: string | Redacted.Redacted<string>): Effect.Effect<boolean> =>
  Effect.map(check(rawBody, signature, apiKey), (why) => why === undefined).pipe(Effect.withSpan("Webhooks.verify"))

const decodePayload = Schema.decodeUnknownEither(Webhook.Payload, { onExcessProperty: "preserve", errors: "first" })

/** Each event's own payload schema, to explain a refusal by the payload the body's `event` names. */
const decodeMember: { readonly [K in "workflow" | "connection"]: (u: unknown) => Either.Either<unknown, ParseResult.ParseError> } = {
  workflow: Schema.decodeUnknownEither(Webhook.WorkflowPayload, { onExcessProperty: "preserve", errors: "all" }),
  connection: Schema.decodeUnknownEither(Webhook.ConnectionPayload, { onExcessProperty: "preserve", errors: "all" })
}

const isKnownEvent = (event: unknown): event is (typeof Webhook.events)[number] => (Webhook.events as ReadonlyArray<unknown>).includes(event)

/**
 * Why a body is not a payload, as ` at <field>: <what>`. The union's own first issue compares the
 * body with its first member, so a `Connection Created` body missing a field, or an unknown event,
 * read "Expected \"Workflow Completed\"": the event is checked first, against every event, then the
 * body against its event's payload, and the issues of one field are merged (`Expected "COMPLETED" |
 * "ERRORED" | …, actual 5` rather than the first literal alone).
 */
const reason = (json: unknown, error: ParseResult.ParseError): string => {
  let issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  if (typeof json === "object" && json !== null && !Array.isArray(json)) {
    const event = (json as { readonly event?: unknown }).event
    if (!isKnownEvent(event)) {
      const expected = `expected one of ${Webhook.events.map((e) => JSON.stringify(e)).join(", ")}`
      return ` at event: ${event === undefined ? `is missing; ${expected}` : `${expected}, got ${shorten(JSON.stringify(event) ?? String(event), 64)}`}`
    }
    const member = (Webhook.workflowEvents as ReadonlyArray<string>).includes(event) ? decodeMember.workflow : decodeMember.connection
    issues = Either.match(member(json), { onLeft: (e) => ParseResult.ArrayFormatter.formatErrorSync(e), onRight: () => issues })
  }
  const first = issues[0]
  const where = first === undefined || first.path.length === 0 ? "" : ` at ${first.path.join(".")}`
  const same = first === undefined ? [] : issues.filter((i) => i.path.join(".") === first.path.join("."))
  const literals = same.map((i) => /^Expected (.*), actual (.*)$/s.exec(i.message))
  const merged = literals.length > 1 && literals.every((m) => m !== null && m[2] === literals[0]![2])
    ? `Expected ${literals.map((m) => m![1]).join(" | ")}, actual ${literals[0]![2]}`
    : first?.message ?? "invalid"
  // The schema's message quotes the value refused, which may be the whole (unsigned) body.
  return `${where}: ${shorten(merged, MAX_REASON)}`
}

const decoder = new TextDecoder("utf-8", { fatal: true })

/** The longest reason an `InvalidPayload` quotes from the schema, in characters. */
const MAX_REASON = 900

/**
 * The payload of a delivery's raw body, checked with the contract's schema (fields the contract
 * does not know are kept). Does not check the signature: see {@link receive}.
 */
export const decode = (rawBody: RawBody): Effect.Effect<Payload, InvalidPayload> =>
  Effect.suspend(() => {
    if (!isRaw(rawBody)) return Effect.fail(notRaw(rawBody))
    let json: unknown
    try {
      json = JSON.parse(typeof rawBody === "string" ? rawBody : decoder.decode(bytesOf(rawBody)))
    } catch (e) {
      return Effect.fail(new InvalidPayload({ message: `Webhook body is not JSON: ${(e as Error).message}` }))
    }
    return Either.match(decodePayload(json), {
      onLeft: (error) => Effect.fail(new InvalidPayload({ message: `Webhook body is not a documented payload${reason(json, error)}` })),
      onRight: (payload) => Effect.succeed(payload)
    })
  }).pipe(Effect.withSpan("Webhooks.decode"))

/**
 * A delivery checked from end to end: its signature against `apiKey` (else {@link InvalidSignature}),
 * then its payload (else {@link InvalidPayload}). What a receiver calls with the raw body and the
 * `x-cobalt-signature` header.
 */
export const receive = (
  rawBody: RawBody,
  signature: SignatureHeader,
  apiKey: string | Redacted.Redacted<string>
): Effect.Effect<Payload, WebhookError> => {
  // A body that is not the raw bytes is the receiver's mistake, not a forgery: said as such.
  const checked: Effect.Effect<string | undefined, InvalidPayload> = isRaw(rawBody) ? check(rawBody, signature, apiKey) : Effect.fail(notRaw(rawBody))
  return checked.pipe(
    Effect.flatMap((why): Effect.Effect<Payload, WebhookError> =>
      why === undefined ? decode(rawBody) : Effect.fail(new InvalidSignature({ message: `Invalid webhook signature: ${why}` }))
    ),
    Effect.withSpan("Webhooks.receive")
  )
}

/**
 * The same checks as Promises, for code outside Effect (exported as `Webhooks` by
 * `@refold-effect/sdk/promise`): `verify` resolves to a boolean; `receive` resolves to the payload
 * or rejects with {@link InvalidSignature} or {@link InvalidPayload}.
 */
export const promise = {
  verify: (rawBody: RawBody, signature: SignatureHeader, apiKey: string | Redacted.Redacted<string>): Promise<boolean> =>
    Effect.runPromise(verify(rawBody, signature, apiKey)),
  decode: (rawBody: RawBody): Promise<Payload> => Effect.runPromise(Effect.either(decode(rawBody))).then(Either.getOrThrowWith((e) => e)),
  receive: (rawBody: RawBody, signature: SignatureHeader, apiKey: string | Redacted.Redacted<string>): Promise<Payload> =>
    Effect.runPromise(Effect.either(receive(rawBody, signature, apiKey))).then(Either.getOrThrowWith((e) => e))
} as const
