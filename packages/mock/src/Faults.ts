/**
 * Global faults: latency, errors, rate limiting and connection resets on a share of the API's
 * requests, drawn from a seeded PRNG so that a failing run can be replayed. Set them with the
 * `faults` option of `createMockApp`, `RefoldMock.layer` or the CLI, or at run time with
 * `POST /__admin/settings`.
 *
 * ```json
 * {
 *   "seed": 42,
 *   "latency": { "type": "lognormal", "median": 40, "sigma": 0.5, "max": 2000 },
 *   "errors": { "rate": 0.05, "statuses": [500, 503] },
 *   "rateLimit": { "rate": 0.1, "retryAfter": 2 },
 *   "resets": { "rate": 0.01 },
 *   "arrivals": { "account": "user_12345", "everyRequests": 3 }
 * }
 * ```
 *
 * Each request to the two API endpoints that asks for no scenario of its own draws, in this order:
 * one number that picks reset, 429, error or a normal answer (with the rates as consecutive
 * shares), one more that picks the error status when it is an error, then the latency. So the
 * same seed and the same sequence of requests always give the same faults.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64"
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus"
import * as Explain from "./internal/Explain.js"

const Ms = Schema.Int.pipe(Schema.between(0, 600_000), Schema.annotations({ title: "milliseconds from 0 to 600000" }))
const Rate = Schema.Number.pipe(Schema.between(0, 1), Schema.annotations({ title: "a rate from 0 to 1" }))
const ErrorStatus = Schema.Int.pipe(Schema.between(400, 599), Schema.annotations({ title: "an error status from 400 to 599" }))

/** How long each request waits before it is answered; WireMock's delay distributions. */
export const Latency = Schema.Union(
  Schema.Struct({ type: Schema.Literal("fixed"), ms: Ms }),
  Schema.Struct({ type: Schema.Literal("uniform"), lower: Ms, upper: Ms }).pipe(
    Schema.filter((l) => l.lower <= l.upper || `lower (${l.lower}) is above upper (${l.upper})`)
  ),
  Schema.Struct({
    type: Schema.Literal("lognormal"),
    median: Ms,
    sigma: Schema.Number.pipe(Schema.between(0, 10)),
    /** Delays above it are cut to it; default 60000. */
    max: Schema.optional(Ms)
  })
).annotations({ identifier: "Latency" })
export type Latency = typeof Latency.Type

/** The global faults. Every field is optional; `{}` is a mock without faults. */
export const Faults = Schema.Struct({
  /** Seed of the PRNG (any integer; default 1). Setting faults restarts the sequence. */
  seed: Schema.optional(Schema.Int),
  latency: Schema.optional(Latency),
  /** A share of requests answered with one of `statuses` (default 500, 502, 503) and the vendor's body. */
  errors: Schema.optional(Schema.Struct({ rate: Rate, statuses: Schema.optional(Schema.Array(ErrorStatus).pipe(Schema.minItems(1))) })),
  /** A share of requests answered 429 with `Retry-After: retryAfter` seconds (default 1). */
  rateLimit: Schema.optional(Schema.Struct({ rate: Rate, retryAfter: Schema.optional(Schema.Int.pipe(Schema.between(0, 3600))) })),
  /** A share of requests whose connection is dropped before any response. */
  resets: Schema.optional(Schema.Struct({ rate: Rate })),
  /**
   * New executions arriving at the head of an account: one every `everyRequests` API requests, or
   * every `everyMs` milliseconds. An offset-paginating client then sees the pages shift.
   */
  arrivals: Schema.optional(
    Schema.Struct({
      account: Schema.String.pipe(Schema.minLength(1)),
      everyRequests: Schema.optional(Schema.Int.pipe(Schema.between(1, 1_000_000))),
      everyMs: Schema.optional(Schema.Int.pipe(Schema.between(1, 86_400_000)))
    }).pipe(Schema.filter((a) => (a.everyRequests === undefined) !== (a.everyMs === undefined) || "give exactly one of everyRequests and everyMs"))
  )
}).pipe(
  Schema.filter((f) => {
    const total = (f.errors?.rate ?? 0) + (f.rateLimit?.rate ?? 0) + (f.resets?.rate ?? 0)
    return total <= 1 || `errors.rate + rateLimit.rate + resets.rate is ${total}, above 1`
  }),
  Schema.annotations({ identifier: "Faults" })
)
export type Faults = typeof Faults.Type

/** Decodes faults from JSON, or explains in one sentence which field is wrong and why. */
export const decode = Explain.decoder(Faults, "faults", "not valid faults")

/** What happens to one request. */
export interface Decision {
  /** Milliseconds to wait before answering. */
  readonly delayMs: number
  readonly outcome:
    | { readonly _tag: "Pass" }
    | { readonly _tag: "Reset" }
    | { readonly _tag: "RateLimited"; readonly retryAfter: number }
    | { readonly _tag: "Error"; readonly status: number }
}

/** Draws the fault of each request in turn. */
export interface Injector {
  readonly faults: Faults
  /** `true` when some request may get a fault or a delay. */
  readonly active: boolean
  /** The next request's fate. */
  readonly next: () => Decision
}

/** The error statuses drawn when `errors.statuses` is not given. */
export const defaultStatuses: ReadonlyArray<number> = [500, 502, 503]

const PASS: Decision = { delayMs: 0, outcome: { _tag: "Pass" } }

/** A seeded injector for `faults`. */
export const injector = (faults: Faults): Injector => {
  const rng = xoroshiro128plus(faults.seed ?? 1)
  const unit = () => uniformFloat64(rng)
  const reset = faults.resets?.rate ?? 0
  const limited = reset + (faults.rateLimit?.rate ?? 0)
  const failed = limited + (faults.errors?.rate ?? 0)
  const statuses = faults.errors?.statuses ?? defaultStatuses
  const latency = faults.latency
  const active = failed > 0 || (latency !== undefined && !(latency.type === "fixed" && latency.ms === 0))

  const delay = (): number => {
    if (latency === undefined) return 0
    switch (latency.type) {
      case "fixed":
        return latency.ms
      case "uniform":
        return Math.round(latency.lower + unit() * (latency.upper - latency.lower))
      case "lognormal": {
        // Box-Muller: a standard normal from two uniforms; 1 - u keeps the logarithm finite.
        const z = Math.sqrt(-2 * Math.log(1 - unit())) * Math.cos(2 * Math.PI * unit())
        return Math.min(latency.max ?? 60_000, Math.round(latency.median * Math.exp(latency.sigma * z)))
      }
    }
  }

  const next = (): Decision => {
    if (!active) return PASS
    const u = failed > 0 ? unit() : 1
    const outcome: Decision["outcome"] =
      u < reset
        ? { _tag: "Reset" }
        : u < limited
          ? { _tag: "RateLimited", retryAfter: faults.rateLimit?.retryAfter ?? 1 }
          : u < failed
            ? { _tag: "Error", status: statuses[Math.min(statuses.length - 1, Math.floor(unit() * statuses.length))]! }
            : { _tag: "Pass" }
    return { delayMs: delay(), outcome }
  }

  return { faults, active, next }
}
