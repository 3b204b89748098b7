/**
 * What the CLI says, and how it exits, when the API refuses or fails, driven through the mock's
 * testing kit: rejected credentials, unknown ids, rate-limit storms, hangs, outages and dropped
 * connections. Each failure gets one clear message and a non-zero exit code, never a secret.
 */
import { describe, expect, it } from "@effect/vitest"
import { RefoldMock } from "@refold-effect/mock"
import { WaitTimeout } from "@refold-effect/sdk"
import { Duration, Effect, Fiber, Layer, Redacted, Schedule } from "effect"
import { Failure } from "../src/index.js"
import { API_KEY, env, run } from "./support/Cli.js"
import * as Fixtures from "./support/Fixtures.js"
import { prefer } from "./support/Scenario.js"

const LIST = "/api/v2/public/execution"

/** A fresh in-process mock per test, serving the bundled fixtures. */
const mock = RefoldMock.layer({ fixtures: Fixtures.data })

/** The statuses the mock answered, oldest first. */
const answered = RefoldMock.requests.pipe(Effect.map((entries) => entries.map((e) => e.response?.status).reverse()))

describe("credentials", () => {
  it.effect("a key the API does not accept: Unauthorized, pointing at the variables to check, exit code 3, not retried", () =>
    Effect.gen(function*() {
      const { exitCode, stderr, stdout } = yield* run(["list"])
      expect(exitCode).toBe(3)
      expect(stdout).toBe("")
      expect(stderr).toMatch(
        /^Unauthorized \(401\): .+\. Check REFOLD_API_KEY and REFOLD_LINKED_ACCOUNT_ID \(or REFOLD_SESSION_TOKEN\)\. \(request id [\w-]+\)\n$/
      )
      expect(stderr).not.toContain(API_KEY)
      expect(yield* answered).toEqual([401])
    }).pipe(Effect.provide(RefoldMock.layer({ fixtures: Fixtures.data, apiKeys: ["tk_the_only_valid_key"] }))))

  it.effect("a session token works in place of an API key", () =>
    Effect.gen(function*() {
      const token = Redacted.value(yield* RefoldMock.mintSessionToken(Fixtures.ACCOUNT))
      const { REFOLD_API_KEY: _, REFOLD_LINKED_ACCOUNT_ID: __, ...rest } = env
      const { exitCode, stderr, stdout } = yield* run(["list", "--limit", "1"], { ...rest, REFOLD_SESSION_TOKEN: token })
      expect(exitCode).toBe(0)
      expect(stdout).toContain(Fixtures.executions()[0]!._id)
      expect(stdout + stderr).not.toContain(token)
    }).pipe(Effect.provide(mock)))

  it.effect("no credentials at all: a configuration error naming the variables, exit code 2, nothing sent", () =>
    Effect.gen(function*() {
      const { REFOLD_API_KEY: _, REFOLD_LINKED_ACCOUNT_ID: __, ...rest } = env
      const { exitCode, stderr, stdout } = yield* run(["list"], rest)
      expect(exitCode).toBe(2)
      expect(stdout).toBe("")
      expect(stderr).toBe(
        "Configuration error: REFOLD_API_KEY: No Refold credentials: set REFOLD_API_KEY (an org API key, with REFOLD_LINKED_ACCOUNT_ID for its default linked account), or REFOLD_SESSION_TOKEN (a linked account's session token)\n"
      )
      expect(yield* RefoldMock.count({})).toBe(0)
    }).pipe(Effect.provide(mock)))

  // An org key alone is valid configuration (the SDK can act on any account it names); a command
  // that names none is refused before anything is sent.
  it.effect("an API key without its linked account: says the linked account is missing, nothing sent", () =>
    Effect.gen(function*() {
      const { REFOLD_LINKED_ACCOUNT_ID: _, ...rest } = env
      const { exitCode, stderr } = yield* run(["get", "65410cf6cdf931a12d7ab009"], rest)
      expect(exitCode).toBe(2)
      // In the CLI's terms (its variables), not the SDK's (RefoldAuth.apiKey, forAccount(id)).
      expect(stderr).toBe(
        "Configuration error: REFOLD_API_KEY is set but REFOLD_LINKED_ACCOUNT_ID is not: set it to the linked account to act on (or use REFOLD_SESSION_TOKEN instead).\n"
      )
      expect(yield* RefoldMock.count({})).toBe(0)
    }).pipe(Effect.provide(mock)))

  it.effect("--help needs no credentials", () =>
    Effect.gen(function*() {
      const { exitCode, stdout } = yield* run(["list", "--help"], {})
      expect(exitCode).toBe(0)
      expect(stdout).toContain("--status")
      expect(stdout).toContain("--all")
    }).pipe(Effect.provide(mock)))
})

describe("not found", () => {
  it.effect("an unknown base path: NotFound pointing at REFOLD_BASE_URL", () =>
    Effect.gen(function*() {
      const { exitCode, stderr } = yield* run(["list"], { ...env, REFOLD_BASE_URL: "http://refold.test/v1" })
      expect(exitCode).toBe(3)
      expect(stderr).toMatch(/^Not found \(404\): .* at http:\/\/refold\.test\/v1\/api\/v2\/public\/execution\. Check REFOLD_BASE_URL\./)
    }).pipe(Effect.provide(mock)))
})

describe("rate limits", () => {
  it.live("a storm of 429s with Retry-After that ends: the SDK waits, retries and the list succeeds", () =>
    Effect.gen(function*() {
      yield* RefoldMock.setFaults({ rateLimit: { rate: 1, retryAfter: 1 } })
      const running = yield* Effect.fork(run(["list", "--limit", "3"]))
      // The storm lasts until two requests have been refused, then the API recovers.
      yield* RefoldMock.count({ urlPath: LIST }).pipe(Effect.repeat({ schedule: Schedule.spaced("10 millis"), until: (n) => n >= 2 }))
      yield* RefoldMock.setFaults({})
      const { exitCode, stdout } = yield* Fiber.join(running)
      expect(exitCode).toBe(0)
      expect(stdout).toContain(Fixtures.executions()[0]!._id)
      expect(yield* answered).toEqual([429, 429, 200])
    }).pipe(Effect.provide(mock)))

  it.live("a storm that outlasts the retries: RateLimited with the Retry-After, exit code 3", () =>
    Effect.gen(function*() {
      yield* RefoldMock.setFaults({ rateLimit: { rate: 1, retryAfter: 1 } })
      const { exitCode, stderr, stdout } = yield* run(["list"], { ...env, REFOLD_MAX_RETRIES: "1" })
      expect(exitCode).toBe(3)
      expect(stdout).toBe("")
      expect(stderr).toMatch(
        /^Rate limited \(429\): the API is throttling requests and the retries ran out\. It asked to retry after 1s\. \(request id [\w-]+\)\n$/
      )
      expect(yield* answered).toEqual([429, 429])
    }).pipe(Effect.provide(mock)))

  it.effect("a Retry-After beyond REFOLD_MAX_RETRY_AFTER fails at once, without waiting", () =>
    Effect.gen(function*() {
      yield* RefoldMock.setFaults({ rateLimit: { rate: 1, retryAfter: 3600 } })
      const { exitCode, stderr } = yield* run(["get", Fixtures.withStatus("COMPLETED")._id])
      expect(exitCode).toBe(3)
      expect(stderr).toContain("It asked to retry after 1h.")
      expect(yield* answered).toEqual([429])
    }).pipe(Effect.provide(mock)))
})

describe("hangs", () => {
  it.live("an API that never answers: each attempt times out, then a Timeout message, exit code 3", () =>
    Effect.gen(function*() {
      const id = Fixtures.withStatus("COMPLETED")._id
      const { exitCode, stderr, stdout } = yield* run(["get", id])
      expect(exitCode).toBe(3)
      expect(stdout).toBe("")
      expect(stderr).toBe(
        `Timeout: no answer from http://refold.test/api/v2/public/execution/${id} within 300ms (REFOLD_TIMEOUT), on every attempt.\n`
      )
      // The first attempt and both retries, none answered.
      expect(yield* answered).toEqual([null, null, null])
    }).pipe(Effect.provide(prefer("fault=hang").pipe(Layer.provideMerge(mock)))))

  it.live("watch gives up on a hanging API with the same message, not with its own --timeout", () =>
    Effect.gen(function*() {
      const { exitCode, stderr } = yield* run(["watch", Fixtures.withStatus("RUNNING")._id, "--timeout", "1m"])
      expect(exitCode).toBe(3)
      expect(stderr).toMatch(/^Timeout: no answer from .* within 300ms \(REFOLD_TIMEOUT\), on every attempt\.\n$/)
    }).pipe(Effect.provide(prefer("fault=hang").pipe(Layer.provideMerge(mock)))))
})

describe("outages", () => {
  it.live("every request answered 503: ServerError after the retries, exit code 3", () =>
    Effect.gen(function*() {
      yield* RefoldMock.setFaults({ errors: { rate: 1, statuses: [503] } })
      const { exitCode, stderr, stdout } = yield* run(["list", "--all"])
      expect(exitCode).toBe(3)
      expect(stdout).toBe("")
      expect(stderr).toMatch(
        /^Server error \(503\): .+\. The Refold API is failing; the request was retried without success\. Try again later.*\. \(request id [\w-]+\)\n$/
      )
      expect(yield* answered).toEqual([503, 503, 503])
    }).pipe(Effect.provide(mock)))

  it.live("every connection dropped: a message about reaching the API, exit code 3", () =>
    Effect.gen(function*() {
      yield* RefoldMock.setFaults({ resets: { rate: 1 } })
      const { exitCode, stderr } = yield* run(["get", Fixtures.withStatus("COMPLETED")._id])
      expect(exitCode).toBe(3)
      expect(stderr).toMatch(/^Cannot reach the Refold API at http:\/\/refold\.test\/api\/v2\/public\/execution\/\w+: .+\. Check REFOLD_BASE_URL and the network\.\n$/)
      expect(yield* RefoldMock.count({})).toBe(3)
    }).pipe(Effect.provide(mock)))
})

describe("an SDK wait that ran out", () => {
  it("WaitTimeout is said as watch's --timeout is, with exit code 124", () => {
    const error = new WaitTimeout({ executionId: "6ae6", timeout: Duration.minutes(5), status: "RUNNING", completionPercentage: 80, message: "late" })
    expect(Failure.describe(error)).toEqual({ message: "Gave up after 5m: execution 6ae6 is still RUNNING (80%).", exitCode: 124 })
  })
})
