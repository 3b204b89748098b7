import { describe, expect, it } from "@effect/vitest"
import { Duration, Either } from "effect"
import * as Retry from "../src/internal/retry.js"
import * as RefoldConfig from "../src/RefoldConfig.js"
import { BadRequest, DecodeError, NotFound, RateLimited, ServerError, Timeout, TransportError, Unauthorized } from "../src/RefoldError.js"

const settings = Either.getOrThrow(RefoldConfig.make({ maxRetries: 3, retryDelay: 100, maxRetryDelay: 1_000, maxRetryAfter: "10 seconds" }))
const plenty = Duration.minutes(5)
const http = { message: "m", method: "GET", url: "http://x" }

describe("Retry.decide", () => {
  it("retries 429, 5xx except 501, transport failures and attempt timeouts", () => {
    const retried = [
      new RateLimited({ status: 429, ...http }),
      new ServerError({ status: 500, ...http }),
      new ServerError({ status: 503, ...http }),
      new TransportError(http),
      new Timeout({ kind: "attempt", timeout: Duration.seconds(1), ...http })
    ]
    for (const error of retried) expect(Retry.decide(settings, error, 0, plenty, 0)._tag).toBe("Retry")
  })

  it("never retries other 4xx, 501, decode failures or the deadline", () => {
    const final = [
      new BadRequest({ status: 400, ...http }),
      new Unauthorized({ status: 401, ...http }),
      new NotFound({ status: 404, ...http }),
      new ServerError({ status: 501, ...http }),
      new DecodeError({ status: 200, body: "{}", ...http }),
      new Timeout({ kind: "deadline", timeout: Duration.seconds(1), ...http })
    ]
    for (const error of final) expect(Retry.decide(settings, error, 0, plenty, 0)).toEqual({ _tag: "Fail" })
  })

  it("stops after maxRetries", () => {
    const error = new TransportError(http)
    expect(Retry.decide(settings, error, 2, plenty, 0)._tag).toBe("Retry")
    expect(Retry.decide(settings, error, 3, plenty, 0)._tag).toBe("Fail")
  })

  it("backs off exponentially up to the maximum, jitter taking off at most a quarter", () => {
    const delays = [0, 1, 2, 3, 4, 5].map((n) => Duration.toMillis(Retry.backoff(settings, n, 0)))
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000])
    expect(Duration.toMillis(Retry.backoff(settings, 2, 1))).toBe(300)
    expect(Duration.toMillis(Retry.backoff(settings, 2, 0.5))).toBe(350)
  })

  it("waits exactly the Retry-After instead of the backoff, and fails at once beyond the cap", () => {
    const within = new RateLimited({ status: 429, retryAfter: Duration.seconds(7), ...http })
    expect(Retry.decide(settings, within, 0, plenty, 0.9)).toEqual({ _tag: "Retry", delay: Duration.seconds(7) })
    const beyond = new RateLimited({ status: 429, retryAfter: Duration.seconds(11), ...http })
    expect(Retry.decide(settings, beyond, 0, plenty, 0)).toEqual({ _tag: "Fail" })
    const unavailable = new ServerError({ status: 503, retryAfter: Duration.seconds(2), ...http })
    expect(Retry.decide(settings, unavailable, 0, plenty, 0)).toEqual({ _tag: "Retry", delay: Duration.seconds(2) })
  })

  it("fails at once rather than wait past the deadline", () => {
    const error = new RateLimited({ status: 429, retryAfter: Duration.seconds(5), ...http })
    expect(Retry.decide(settings, error, 0, Duration.seconds(4), 0)._tag).toBe("Fail")
    expect(Retry.decide(settings, new TransportError(http), 0, Duration.millis(50), 0)._tag).toBe("Fail")
  })
})

describe("Retry.parseRetryAfter", () => {
  const now = Date.parse("2024-01-01T00:00:00.000Z")
  it("reads delay-seconds", () => {
    expect(Retry.parseRetryAfter("120", now)).toEqual(Duration.seconds(120))
    expect(Retry.parseRetryAfter(" 0 ", now)).toEqual(Duration.zero)
  })
  it("reads an HTTP date relative to now, a past date meaning no wait", () => {
    expect(Retry.parseRetryAfter("Mon, 01 Jan 2024 00:00:30 GMT", now)).toEqual(Duration.seconds(30))
    expect(Retry.parseRetryAfter("Sun, 31 Dec 2023 23:00:00 GMT", now)).toEqual(Duration.zero)
  })
  it("ignores what it cannot read", () => {
    expect(Retry.parseRetryAfter(undefined, now)).toBeUndefined()
    expect(Retry.parseRetryAfter("soon", now)).toBeUndefined()
    expect(Retry.parseRetryAfter("-5", now)).toBeUndefined()
  })
})
