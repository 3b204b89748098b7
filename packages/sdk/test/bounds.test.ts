/**
 * Each bound of the retry policy from both sides (issue 16, item 11): a Retry-After at the cap is
 * waited and one a millisecond beyond fails at once; the backoff grows up to the cap, reaches it
 * exactly, and stays there; a wait that ends just before the deadline is taken, one that ends at it
 * is not.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Either } from "effect"
import * as Retry from "../src/internal/retry.js"
import * as RefoldConfig from "../src/RefoldConfig.js"
import { RateLimited, ServerError, TransportError } from "../src/RefoldError.js"

const http = { message: "m", method: "GET", url: "http://x" }
const plenty = Duration.minutes(5)
const settings = Either.getOrThrow(RefoldConfig.make({ maxRetries: 9, retryDelay: 125, maxRetryDelay: 1_000, maxRetryAfter: "10 seconds" }))
const limited = (retryAfter: Duration.Duration) => new RateLimited({ status: 429, retryAfter, ...http })

describe("the Retry-After cap (maxRetryAfter)", () => {
  it("waits a Retry-After just below and exactly at the cap", () => {
    for (const ms of [9_999, 10_000]) expect(Retry.decide(settings, limited(Duration.millis(ms)), 0, plenty, 0)).toEqual({ _tag: "Retry", delay: Duration.millis(ms) })
  })

  it("fails at once for a Retry-After just beyond the cap, on a 429 and on a 503", () => {
    expect(Retry.decide(settings, limited(Duration.millis(10_001)), 0, plenty, 0)).toEqual({ _tag: "Fail" })
    const unavailable = new ServerError({ status: 503, retryAfter: Duration.millis(10_001), ...http })
    expect(Retry.decide(settings, unavailable, 0, plenty, 0)).toEqual({ _tag: "Fail" })
  })

  it("reads a Retry-After header of exactly the cap as the cap", () => {
    const parsed = Retry.parseRetryAfter("10", 0)!
    expect(Retry.decide(settings, limited(parsed), 0, plenty, 0)._tag).toBe("Retry")
    expect(Retry.decide(settings, limited(Retry.parseRetryAfter("11", 0)!), 0, plenty, 0)._tag).toBe("Fail")
  })
})

describe("the backoff cap (maxRetryDelay)", () => {
  const delay = (retry: number, random = 0) => Duration.toMillis(Retry.backoff(settings, retry, random))

  it("doubles below the cap, reaches it exactly, and never passes it", () => {
    expect([0, 1, 2].map((n) => delay(n))).toEqual([125, 250, 500])
    expect(delay(3)).toBe(1_000)
    for (const n of [4, 5, 10, 60]) expect(delay(n)).toBe(1_000)
  })

  it("applies jitter after the cap, so that a capped wait is still spread", () => {
    expect(delay(10, 1)).toBe(750)
    expect(delay(2, 1)).toBe(375)
  })

  it("is what decide waits when no Retry-After is given", () => {
    expect(Retry.decide(settings, new TransportError(http), 3, plenty, 0)).toEqual({ _tag: "Retry", delay: Duration.millis(1_000) })
    expect(Retry.decide(settings, new TransportError(http), 8, plenty, 0)).toEqual({ _tag: "Retry", delay: Duration.millis(1_000) })
  })
})

describe("the deadline", () => {
  it("takes a wait that ends just before it, not one that ends at it", () => {
    expect(Retry.decide(settings, limited(Duration.seconds(4)), 0, Duration.millis(4_001), 0)._tag).toBe("Retry")
    expect(Retry.decide(settings, limited(Duration.seconds(4)), 0, Duration.seconds(4), 0)._tag).toBe("Fail")
  })
})

describe("maxRetries", () => {
  it("retries up to the last allowed retry, and not once more", () => {
    expect(Retry.decide(settings, new TransportError(http), 8, plenty, 0)._tag).toBe("Retry")
    expect(Retry.decide(settings, new TransportError(http), 9, plenty, 0)._tag).toBe("Fail")
  })
})
