/**
 * Options that could never work, given to `createMockApp` and `RefoldMock.layer`: each is refused
 * when the mock is built, with a message naming the option and the value (a key by its place, never
 * its value), and a name that is no option is refused rather than ignored.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { createMockApp, Lifecycle, RefoldMock, RefoldMockError, type KitOptions, type MockOptions } from "../src/index.js"
import { small } from "./support/data.js"

const refused: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
  ["a fractional lifecycle seed", { lifecycleSeed: 1.5 }, "Invalid lifecycleSeed: expected an integer from 0 to 4294967295, got 1.5"],
  ["a NaN lifecycle seed", { lifecycleSeed: Number.NaN }, "Invalid lifecycleSeed: expected an integer from 0 to 4294967295, got NaN"],
  ["a negative lifecycle seed", { lifecycleSeed: -1 }, "Invalid lifecycleSeed: expected an integer from 0 to 4294967295, got -1"],
  ["a lifecycle seed past 32 bits", { lifecycleSeed: 2 ** 32 }, "Invalid lifecycleSeed: expected an integer from 0 to 4294967295, got 4294967296"],
  ["an empty API key", { apiKeys: ["tk-test", ""] }, "Invalid apiKeys: the key at index 1 is empty (an empty x-api-key is no key)"],
  ["an API key given twice", { apiKeys: ["tk-test", "tk-test"] }, "Invalid apiKeys: the key at index 1 repeats an earlier key; give each key once"],
  ["an API key padded with spaces", { apiKeys: [" tk-test"] }, "Invalid apiKeys: the key at index 0 is padded with spaces (HTTP trims them, so no request carries it)"],
  ["an API key no header carries", { apiKeys: ["tk-tést"] }, "Invalid apiKeys: the key at index 0 is holding a character an x-api-key header cannot carry (printable ASCII only)"],
  ["one API key instead of a list", { apiKeys: "tk-test" }, "Invalid apiKeys: expected a list of keys, got string"],
  ["a typo of apiKeys", { apiKey: ["tk-test"] }, 'Unknown option "apiKey": expected one of data, apiKeys, onError, faults, adminToken, journal, webhooks, clock, lifecycleSeed, cors'],
  ["a clock with a mode", { clock: { mode: "manual" } }, 'Invalid clock: unknown field "mode"; expected speed, source (speed 0 is the manual clock)'],
  ["a NaN clock speed", { clock: { speed: Number.NaN } }, "Invalid clock speed NaN: expected a number from 0 (manual) to 1000000"],
  ["a fractional webhook concurrency, which would deliver nothing", { webhooks: { concurrency: 0.5 } }, "Invalid webhooks.concurrency: expected a whole number of at least 1, got 0.5"],
  ["a fractional number of retries", { webhooks: { retries: 1.5 } }, "Invalid webhooks.retries: expected a whole number of at least 0, got 1.5"],
  ["a webhook timeout past Node's timers", { webhooks: { timeout: 2 ** 31 } }, "Invalid webhooks.timeout: expected a number from 1 to 2147483647, got 2147483648"],
  ["an unknown webhooks field", { webhooks: { retry: 5 } }, 'Invalid webhooks: unknown field "retry"; expected scheduler, retries, backoff, timeout, concurrency, queue, journal'],
  ["an admin token that is not a string", { adminToken: 123 }, "Invalid adminToken: expected a string, got 123"],
  ["cors true", { cors: true }, 'Invalid cors: expected "*", false or a list of origins such as ["http://localhost:5173"], got true'],
  ["one cors origin instead of a list", { cors: "http://a.test" }, 'Invalid cors: expected "*", false or a list of origins such as ["http://localhost:5173"], got "http://a.test"'],
  ["an onError that is no function", { onError: "log" }, 'Invalid onError: expected a function (error, request) => void, got "log"'],
  ["a journal that is a string", { journal: "100" }, 'Invalid journal: expected a whole number of requests from 0 (off) to 1000000, got "100"']
]

describe("createMockApp's options", () => {
  it.each(refused)("refuses %s, naming the option and the value", (_, options, message) => {
    expect(() => createMockApp({ data: small(2), ...(options as MockOptions) })).toThrow(message)
  })

  it("refuses a data set that is none", () => {
    expect(() => createMockApp({ data: {} as never })).toThrow("Invalid data: expected a data set { accounts: [...], executions: [...] }")
  })

  it("never shows an API key in its message", () => {
    const secret = "tk-very-secret-key"
    for (const apiKeys of [[secret, secret], [` ${secret}`], [`${secret}\n`]]) {
      expect(() => createMockApp({ data: small(2), apiKeys })).toThrow(/^Invalid apiKeys: the key at index \d/)
      try {
        createMockApp({ data: small(2), apiKeys })
      } catch (e) {
        expect((e as Error).message).not.toContain("very-secret")
      }
    }
  })

  it("takes the bounds where the lifecycle defines them, and options given as undefined", () => {
    for (const lifecycleSeed of [Lifecycle.seeds.min, Lifecycle.seeds.max, undefined]) createMockApp({ data: small(2), lifecycleSeed }).close()
    createMockApp({ data: small(2), apiKeys: ["tk-a", "pk-b with inner space"], webhooks: { retries: 0, timeout: 2 ** 31 - 1, backoff: 0.5 }, clock: { speed: 0 } }).close()
    createMockApp({ data: small(2), apiKeys: [] }).close()
  })
})

describe("RefoldMock.layer's options", () => {
  const failure = (options: KitOptions) => Effect.flip(Effect.provide(RefoldMock, RefoldMock.layer({ fixtures: small(3), ...options })))

  it.effect.each(refused)("fails with a RefoldMockError for %s", ([, options, message]) =>
    Effect.gen(function* () {
      const error = yield* failure(options as KitOptions)
      expect(error).toBeInstanceOf(RefoldMockError)
      expect(error.message).toBe(message.replace(", cors", ", cors, fixtures, accounts, baseUrl").replace("data, ", ""))
    }))

  it.effect.each([
    ["baseUrl", { baseUrl: "app.refold.ai" }, 'Invalid baseUrl: expected an http(s) URL such as https://app.refold.ai, got "app.refold.ai"'],
    ["fixtures", { fixtures: { generate: 100 } }, "Invalid fixtures.generate: expected generator options such as { size: 100, seed: 1 }, got 100"],
    ["accounts", { accounts: [{ org_id: "o" }] }, 'Invalid accounts: expected a list of accounts, each with a linked_account_id, got [{"org_id":"o"}]'],
    ["data (the kit's is fixtures)", { data: small(2) }, 'Unknown option "data": expected one of apiKeys, onError, faults, adminToken, journal, webhooks, clock, lifecycleSeed, cors, fixtures, accounts, baseUrl']
  ] as const)("fails with a RefoldMockError for a bad %s", ([, options, message]) =>
    Effect.gen(function* () {
      const error = yield* failure(options as KitOptions)
      expect(error.message).toBe(message)
    }))
})
