/**
 * A server (or a gateway, or a misconfigured proxy) that reflects the credentials it was sent in its
 * answer: in the vendor's JSON error, in a plain-text 401, in a 200 that breaks the contract. The
 * secret must not reach any error built from that answer (message, body, toString, toJSON,
 * inspection), for either auth mode, through every client and through the Promise client.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Either } from "effect"
import type * as Http from "node:http"
import { inspect } from "node:util"
import { Executions, RefoldAuth } from "../src/index.js"
import { createRefoldClient, RefoldError as PromiseRefoldError } from "../src/promise.js"
import * as Faults from "./support/Faults.js"
import { clients, executionsAt, fast } from "./support/layers.js"

const KEY = "tk_SUPERSECRET_42"
const TOKEN = "st_SESSIONSECRET_77"
const ACCOUNT = "user_12345"

/** What the server sent as credentials, as it would echo them back. */
const credential = (headers: Http.IncomingHttpHeaders): string => String(headers["x-api-key"] ?? headers.authorization ?? "")

/** The answers that reflect the credentials, and the tag each maps to. */
const answers = [
  {
    name: "the vendor's JSON 401 whose message holds the credential",
    tag: "Unauthorized",
    behaviour: Faults.echo(401, (h) =>
      JSON.stringify({
        status_code: 401,
        http_error_type: "ERROR",
        error_code: `BAD_KEY_${credential(h)}`,
        message: `Invalid API key ${credential(h)}`,
        request_id: `req-${credential(h)}`
      }))
  },
  {
    name: "a plain-text 401 that repeats the credential",
    tag: "Unauthorized",
    behaviour: Faults.echo(401, (h) => `Unauthorized: ${credential(h)}`, "text/plain")
  },
  {
    name: "the vendor's JSON 401 spelling the credential with \\u escapes",
    tag: "Unauthorized",
    behaviour: Faults.echo(401, (h) =>
      JSON.stringify({ message: `Invalid API key ${credential(h)}` }).replace(/[a-z]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`))
  },
  {
    name: "a long plain-text 403 with the credential where the summary is cut",
    tag: "Forbidden",
    cut: true,
    behaviour: Faults.echo(403, (h) => `${"x".repeat(195)} ${credential(h).replace(/^Bearer /, "")} and more`, "text/plain")
  },
  {
    name: "a 200 that breaks the contract with the credential in it",
    tag: "DecodeError",
    behaviour: Faults.echo(200, (h) => JSON.stringify({ docs: credential(h), echoed: credential(h) }))
  },
  {
    name: "a 200 that is not JSON and holds the credential",
    tag: "DecodeError",
    behaviour: Faults.echo(200, (h) => `<html>you sent ${credential(h)}</html>`, "text/html")
  }
] as const

const auths = [
  { name: "an API key", secret: KEY, layer: RefoldAuth.apiKey({ apiKey: KEY, linkedAccountId: ACCOUNT }), options: { apiKey: KEY, linkedAccountId: ACCOUNT } },
  { name: "a session token", secret: TOKEN, layer: RefoldAuth.sessionToken(TOKEN), options: { sessionToken: TOKEN } }
] as const

/** Every way an error can be shown, none of which may hold `secret`, and the error's redacted fields. */
const expectRedacted = (error: unknown, secret: string, tag: string, cut = false) => {
  expect(error).toMatchObject({ _tag: tag })
  const shown = [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: 10 }),
    Cause.pretty(Cause.fail(error)),
    ...Object.values(error as Record<string, unknown>).map((value) => String(value))
  ]
  for (const text of shown) expect(text).not.toContain(secret)
  const fields = error as { message: string; body?: string }
  // A summary cut short (200 characters) is cut after redacting: no part of the secret is left.
  if (cut) return expect(fields.message).not.toContain(secret.slice(0, 4))
  // The answer is still reported, with the secret's place marked.
  expect(tag === "DecodeError" ? fields.body : fields.message).toContain("<redacted>")
}

for (const client of clients) {
  describe(`a server that echoes the credentials (through ${client})`, () => {
    for (const auth of auths) {
      for (const answer of answers) {
        it.scopedLive(`${answer.name}, with ${auth.name}: the secret is redacted from the error`, () =>
          Effect.gen(function*() {
            const server = yield* Faults.make(answer.behaviour)
            const result = yield* Effect.either(
              Effect.flatMap(Executions, (e) => e.list()).pipe(Effect.provide(executionsAt(server.url, { client }, auth.layer)))
            )
            expect(server.count()).toBe(1)
            expect(Either.isLeft(result)).toBe(true)
            if (Either.isLeft(result)) expectRedacted(result.left, auth.secret, answer.tag, "cut" in answer)
          }))
      }
    }
  })
}

describe("a server that echoes the credentials (Promise client)", () => {
  for (const auth of auths) {
    for (const answer of answers) {
      it.scopedLive(`${answer.name}, with ${auth.name}: the rejection is redacted`, () =>
        Effect.gen(function*() {
          const server = yield* Faults.make(answer.behaviour)
          const refold = yield* Effect.acquireRelease(
            Effect.sync(() => createRefoldClient({ ...auth.options, ...fast, baseUrl: server.url })),
            (refold) => Effect.promise(() => refold.close())
          )
          const error = yield* Effect.promise(() => refold.executions.list().then(() => undefined, (e: unknown) => e))
          expect(error).toBeInstanceOf(PromiseRefoldError)
          expectRedacted(error, auth.secret, answer.tag, "cut" in answer)
        }))
    }
  }

  it.scopedLive("another account's call (forAccount, per-call linkedAccountId) is redacted too", () =>
    Effect.gen(function*() {
      const server = yield* Faults.make(answers[0].behaviour)
      const refold = yield* Effect.acquireRelease(
        Effect.sync(() => createRefoldClient({ apiKey: KEY, ...fast, baseUrl: server.url })),
        (refold) => Effect.promise(() => refold.close())
      )
      const error = yield* Effect.promise(() => refold.executions.list({}, { linkedAccountId: "acme" }).then(() => undefined, (e: unknown) => e))
      expectRedacted(error, KEY, "Unauthorized")
      const effect = yield* Effect.either(
        Effect.flatMap(Executions.forAccount("acme"), (e) => e.list()).pipe(Effect.provide(executionsAt(server.url, {}, RefoldAuth.apiKey({ apiKey: KEY }))))
      )
      expect(Either.isLeft(effect)).toBe(true)
      if (Either.isLeft(effect)) expectRedacted(effect.left, KEY, "Unauthorized")
    }))
})
