/**
 * What the CLI says, and how it exits, when the API refuses or fails: one clear message per SDK
 * error, never a secret, never a stack trace.
 */
import { describe, expect, it } from "@effect/vitest"
import { createMockApp, MockHttpClient } from "@refold-effect/mock"
import { Effect } from "effect"
import { API_KEY, env, run } from "./support/Cli.js"
import * as Fixtures from "./support/Fixtures.js"

describe("credentials", () => {
  it.effect("a key the API does not accept: Unauthorized, pointing at the variables to check, exit code 3", () =>
    Effect.gen(function*() {
      const { exitCode, stderr, stdout } = yield* run(["list"])
      expect(exitCode).toBe(3)
      expect(stdout).toBe("")
      expect(stderr).toMatch(
        /^Unauthorized \(401\): .+\. Check REFOLD_API_KEY and REFOLD_LINKED_ACCOUNT_ID \(or REFOLD_SESSION_TOKEN\)\. \(request id [\w-]+\)\n$/
      )
      expect(stderr).not.toContain(API_KEY)
    }).pipe(Effect.provide(MockHttpClient.layer(createMockApp({ data: Fixtures.data, apiKeys: ["tk_the_only_valid_key"] })))))

  it.effect("a session token works in place of an API key", () => {
    const mock = createMockApp({ data: Fixtures.data })
    return Effect.gen(function*() {
      const { REFOLD_API_KEY: _, REFOLD_LINKED_ACCOUNT_ID: __, ...rest } = env
      const token = mock.mintSessionToken(Fixtures.ACCOUNT)
      const { exitCode, stderr, stdout } = yield* run(["list", "--limit", "1"], { ...rest, REFOLD_SESSION_TOKEN: token })
      expect(exitCode).toBe(0)
      expect(stdout).toContain(Fixtures.executions()[0]!._id)
      expect(stdout + stderr).not.toContain(token)
    }).pipe(Effect.provide(MockHttpClient.layer(mock)))
  })

  it.effect("no credentials at all: a configuration error naming the variables, exit code 2, nothing sent", () =>
    Effect.gen(function*() {
      const { REFOLD_API_KEY: _, ...rest } = env
      const { exitCode, stderr, stdout } = yield* run(["list"], { ...rest, REFOLD_LINKED_ACCOUNT_ID: "" })
      expect(exitCode).toBe(2)
      expect(stdout).toBe("")
      expect(stderr).toBe(
        "Configuration error: No Refold credentials: set REFOLD_API_KEY and REFOLD_LINKED_ACCOUNT_ID (an org API key), or REFOLD_SESSION_TOKEN (a linked account's session token)\n"
      )
    }).pipe(Effect.provide(MockHttpClient.layer(createMockApp({ data: Fixtures.data })))))

  it.effect("an API key without its linked account: says which variable is missing", () =>
    Effect.gen(function*() {
      const { REFOLD_LINKED_ACCOUNT_ID: _, ...rest } = env
      const { exitCode, stderr } = yield* run(["get", "65410cf6cdf931a12d7ab009"], rest)
      expect(exitCode).toBe(2)
      expect(stderr).toContain("REFOLD_API_KEY is set, so REFOLD_LINKED_ACCOUNT_ID must name the linked account to act on")
      expect(stderr).not.toContain(API_KEY)
    }).pipe(Effect.provide(MockHttpClient.layer(createMockApp({ data: Fixtures.data })))))

  it.effect("--help needs no credentials", () =>
    Effect.gen(function*() {
      const { exitCode, stdout } = yield* run(["list", "--help"], {})
      expect(exitCode).toBe(0)
      expect(stdout).toContain("--status")
      expect(stdout).toContain("--all")
    }).pipe(Effect.provide(MockHttpClient.layer(createMockApp({ data: Fixtures.data })))))
})
