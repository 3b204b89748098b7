/**
 * `Webhooks`: signatures are checked against an HMAC computed here with `node:crypto` (the vendor's
 * own recipe), and payloads against the contract's schema, in both the Effect and Promise forms.
 */
import { describe, expect, it } from "@effect/vitest"
import { InvalidPayload, InvalidSignature, Webhooks as WebhooksPromise } from "@refold-effect/sdk/promise"
import { Effect, Either, Redacted } from "effect"
import { createHmac } from "node:crypto"
import { Webhooks } from "../src/index.js"

const apiKey = "tk_test_webhooks"
const payload = {
  linked_account_id: "12345",
  instance_id: "656f30f69144bb8f183c0118",
  workflow_id: "6495792b9b6ca6d77a17e513",
  config_id: "12345",
  event: "Workflow Completed",
  workflow_name: "Export contact to HubSpot",
  status: "COMPLETED"
}
const body = JSON.stringify(payload)
const sign = (text: string | Buffer, key = apiKey) => createHmac("sha256", key).update(text).digest("hex")

describe("Webhooks.verify", () => {
  it.effect("accepts the vendor's HMAC of the raw body, as text or bytes, in either case of hex", () =>
    Effect.gen(function*() {
      expect(yield* Webhooks.verify(body, sign(body), apiKey)).toBe(true)
      expect(yield* Webhooks.verify(Buffer.from(body), sign(body), apiKey)).toBe(true)
      expect(yield* Webhooks.verify(new TextEncoder().encode(body).buffer, sign(body).toUpperCase(), Redacted.make(apiKey))).toBe(true)
      expect(yield* Webhooks.verify(body, [` ${sign(body)} `], apiKey)).toBe(true)
    }))

  it.effect("signs bytes, not characters: a non-ASCII body verifies as UTF-8", () =>
    Effect.gen(function*() {
      const text = JSON.stringify({ ...payload, workflow_name: "Exporter vers Hubspot — été ✓" })
      expect(yield* Webhooks.verify(text, sign(Buffer.from(text, "utf8")), apiKey)).toBe(true)
    }))

  it.effect("rejects a tampered body, another key, a re-serialised body and malformed signatures", () =>
    Effect.gen(function*() {
      const signature = sign(body)
      expect(yield* Webhooks.verify(body.replace("COMPLETED", "ERRORED"), signature, apiKey)).toBe(false)
      expect(yield* Webhooks.verify(body, signature, "tk_other")).toBe(false)
      expect(yield* Webhooks.verify(JSON.stringify(payload, null, 1), signature, apiKey)).toBe(false)
      for (const bad of [undefined, null, "", signature.slice(0, 63), `${signature}00`, `sha256=${signature}`, "z".repeat(64), [signature, signature], []]) {
        expect(yield* Webhooks.verify(body, bad, apiKey)).toBe(false)
      }
      expect(yield* Webhooks.verify(body, sign(body, ""), "")).toBe(false)
    }))
})

describe("Webhooks.receive and decode", () => {
  it.effect("give the typed payload, keeping fields the contract does not know", () =>
    Effect.gen(function*() {
      const extended = JSON.stringify({ ...payload, environment: "test", attempt: 2 })
      const received = yield* Webhooks.receive(extended, sign(extended), apiKey)
      expect(received).toEqual({ ...payload, environment: "test", attempt: 2 })
      if (received.event === "Workflow Completed") expect(received.instance_id).toBe(payload.instance_id)
      const connection = JSON.stringify({ linked_account_id: "1", event: "Connection Expired", slug: "hubspot", createdAt: "Tue, 07 Nov 2023 08:03:27 GMT" })
      expect((yield* Webhooks.decode(connection)).event).toBe("Connection Expired")
    }))

  it.effect("fail with InvalidSignature before reading the body, and InvalidPayload naming the field", () =>
    Effect.gen(function*() {
      const forged = yield* Effect.either(Webhooks.receive(body, sign(body, "guess"), apiKey))
      expect(Either.isLeft(forged) && forged.left).toBeInstanceOf(InvalidSignature)
      expect(String(Either.isLeft(forged) && forged.left.message)).not.toContain(sign(body))

      const missing = JSON.stringify({ ...payload, instance_id: undefined })
      const error = yield* Effect.flip(Webhooks.receive(missing, sign(missing), apiKey))
      expect(error).toBeInstanceOf(InvalidPayload)
      expect(error.message).toContain("instance_id")

      const notJson = "{oops"
      expect((yield* Effect.flip(Webhooks.receive(notJson, sign(notJson), apiKey))).message).toMatch(/not JSON/)
      const unknownEvent = JSON.stringify({ ...payload, event: "Workflow Exploded" })
      expect((yield* Effect.flip(Webhooks.decode(unknownEvent)))._tag).toBe("InvalidPayload")
    }))
})

// The union's first issue compared every body with `Workflow Completed`'s payload: a connection
// event missing a field, or an unknown event, read `Expected "Workflow Completed"`, and a bad
// status named its first literal only.
describe("Webhooks.decode's message, for a body of another event or a wrong field", () => {
  const reason = (json: unknown) => Effect.map(Effect.flip(Webhooks.decode(JSON.stringify(json))), (e) => e.message)
  it.effect("names every event when the event is unknown or missing, and the field of the event's own payload otherwise", () =>
    Effect.gen(function*() {
      const events = '"Connection Created", "Connection Deleted", "Connection Expired", "Workflow Completed", "Workflow Errored"'
      expect(yield* reason({ ...payload, event: "Workflow Exploded" })).toBe(
        `Webhook body is not a documented payload at event: expected one of ${events}, got "Workflow Exploded"`
      )
      expect(yield* reason({ linked_account_id: "u" })).toBe(`Webhook body is not a documented payload at event: is missing; expected one of ${events}`)
      expect(yield* reason({ event: "Connection Created", slug: "hubspot" })).toBe("Webhook body is not a documented payload at linked_account_id: is missing")
      expect(yield* reason({ ...payload, status: 5 })).toMatch(/^Webhook body is not a documented payload at status: Expected "COMPLETED" \| "RUNNING" \| .*, actual 5$/)
    }))
})

describe("Webhooks.decode of a huge body", () => {
  // The schema quotes the value it refused: a receiver that logs the message must not log a body
  // of megabytes that anyone may post (decode does not check the signature).
  it.effect("names the problem in a short message", () =>
    Effect.gen(function*() {
      const huge = JSON.stringify(Array.from({ length: 20_000 }, (_, i) => ({ i })))
      const error = yield* Effect.flip(Webhooks.decode(huge))
      expect(error._tag).toBe("InvalidPayload")
      expect(error.message).toMatch(/^Webhook body is not a documented payload: Expected .*, actual \[\{"i":0\}/)
      expect(error.message.length).toBeLessThanOrEqual(1001)
    }))
})

describe("Webhooks from @refold-effect/sdk/promise", () => {
  it("verify resolves to a boolean; receive resolves to the payload or rejects with the error classes", async () => {
    await expect(WebhooksPromise.verify(body, sign(body), apiKey)).resolves.toBe(true)
    await expect(WebhooksPromise.verify(body, sign(body), "tk_other")).resolves.toBe(false)
    await expect(WebhooksPromise.receive(body, sign(body), apiKey)).resolves.toEqual(payload)
    await expect(WebhooksPromise.receive(body, "00", apiKey)).rejects.toBeInstanceOf(InvalidSignature)
    await expect(WebhooksPromise.decode("[]")).rejects.toBeInstanceOf(InvalidPayload)
  })

  // The README: "`apiKey` a string or a `Redacted`", for both entry points.
  it("verify and receive take the key as a Redacted too", async () => {
    await expect(WebhooksPromise.verify(body, sign(body), Redacted.make(apiKey))).resolves.toBe(true)
    await expect(WebhooksPromise.receive(body, sign(body), Redacted.make(apiKey))).resolves.toEqual(payload)
    await expect(WebhooksPromise.receive(body, sign(body), Redacted.make("tk_other"))).rejects.toBeInstanceOf(InvalidSignature)
  })
})

describe("Webhooks with what a receiver may hand over by mistake", () => {
  // `express.json()` and friends leave a parsed object where the raw body was: the error must say
  // so, not blame the signature (which was right) nor read an empty body.
  it.effect("a parsed body (an object, a number) is refused naming the types rawBody takes", () =>
    Effect.gen(function*() {
      for (const parsed of [payload, 42, null]) {
        const bad = parsed as unknown as string
        expect(yield* Webhooks.verify(bad, sign(body), apiKey)).toBe(false)
        const received = yield* Effect.flip(Webhooks.receive(bad, sign(body), apiKey))
        expect(received._tag).toBe("InvalidPayload")
        expect(received.message).toMatch(/^Webhook rawBody must be the body as received \(a string, Uint8Array\/Buffer, ArrayBuffer or DataView\), got (an object|a number|null)/)
        const decoded = yield* Effect.flip(Webhooks.decode(bad))
        expect(decoded.message).toBe(received.message)
      }
    }))

  it.effect("any view of the bytes is read as its bytes (a DataView, a Buffer slice of a larger pool)", () =>
    Effect.gen(function*() {
      const bytes = new TextEncoder().encode(`xx${body}yy`)
      const view = new DataView(bytes.buffer, 2, bytes.length - 4)
      expect(yield* Webhooks.verify(view, sign(body), apiKey)).toBe(true)
      expect(yield* Webhooks.receive(view, sign(body), apiKey)).toEqual(payload)
      const slice = Buffer.from(`xx${body}yy`).subarray(2, -2)
      expect(yield* Webhooks.receive(slice, sign(body), apiKey)).toEqual(payload)
    }))

  // `process.env.REFOLD_API_KEY` unset, passed on with a `!`: a missing key, like an empty one.
  it.effect("a missing or non-string key is no key: false, or InvalidSignature, never a crash", () =>
    Effect.gen(function*() {
      for (const key of [undefined, null, 42]) {
        const bad = key as unknown as string
        expect(yield* Webhooks.verify(body, sign(body), bad)).toBe(false)
        const error = yield* Effect.flip(Webhooks.receive(body, sign(body), bad))
        expect(error).toBeInstanceOf(InvalidSignature)
        expect(error.message).toBe("Invalid webhook signature: no API key to verify with")
      }
    }))

  it("the error classes are the same in both entry points, so instanceof works across them", () => {
    expect(Webhooks.InvalidSignature).toBe(InvalidSignature)
    expect(Webhooks.InvalidPayload).toBe(InvalidPayload)
  })

  it.effect("a signature header of another type is named, not counted", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Webhooks.receive(body, 42 as unknown as string, apiKey))
      expect(error.message).toBe("Invalid webhook signature: x-cobalt-signature is not 64 hex digits (an HMAC-SHA256)")
    }))
})
