/**
 * The command line's webhook delivery flags (see `WebhookDeliveries` in `@refold-effect/mock`): how
 * many times a delivery is retried, after what backoff, and how long one attempt may wait for its
 * answer. A suite running the mock as a process can then test a slow or failing receiver without
 * waiting the vendor's 10 s per attempt.
 *
 * ```sh
 * refold-mock --webhook-retries 0                           # one attempt, no retry
 * refold-mock --webhook-timeout 500 --webhook-backoff 100   # a hanging receiver costs 0.5 s
 * ```
 *
 * @since 0.2.0
 */
import { Options } from "@effect/cli"
import { WebhookDeliveries } from "@refold-effect/mock"
import { Either, Option } from "effect"
import { checked } from "./Flag.js"
import type * as Server from "./Server.js"

/**
 * A flag setting one numeric delivery option, checked by the mock's own
 * `WebhookDeliveries.invalidOptions`, whose bounds its message states (`--webhook-retries must be a
 * whole number of at least 0, got "-1"`).
 */
const delivery = (flag: string, field: "retries" | "backoff" | "timeout", pseudo: string, description: string) =>
  checked(flag, (s) => {
    const n = s.trim() === "" ? Number.NaN : Number(s)
    const why = WebhookDeliveries.invalidOptions({ [field]: n })
    return why === undefined
      ? Either.right(n)
      : Either.left(`must be ${why.replace(/^.*?: expected /, "").replace(/, got .*$/, "")}, got ${JSON.stringify(s)}`)
  }).pipe(Options.withPseudoName(pseudo), Options.optional, Options.withDescription(description))

const { backoff, retries, timeout } = WebhookDeliveries.defaults

/** The webhook flags, each optional (the mock's defaults, `WebhookDeliveries.defaults`, otherwise). */
export const options = {
  webhookRetries: delivery("webhook-retries", "retries", "n", `Retries after a delivery not answered 200 (default ${retries}; 0: none).`),
  webhookBackoff: delivery("webhook-backoff", "backoff", "ms", `First retry's backoff in ms of the mock's clock, doubling per retry (default ${backoff}).`),
  webhookTimeout: delivery("webhook-timeout", "timeout", "ms", `Longest wait for a receiver's answer to one delivery, in real ms (default ${timeout}).`)
}

/** The flags that take a value. */
export const valueFlags = ["--webhook-retries", "--webhook-backoff", "--webhook-timeout"]

/** The delivery options the flags set; `undefined` when none is given (the mock's defaults). */
export const deliveries = (flags: {
  readonly webhookRetries: Option.Option<number>
  readonly webhookBackoff: Option.Option<number>
  readonly webhookTimeout: Option.Option<number>
}): Server.Webhooks | undefined => {
  const set = {
    ...Option.match(flags.webhookRetries, { onNone: () => ({}), onSome: (retries) => ({ retries }) }),
    ...Option.match(flags.webhookBackoff, { onNone: () => ({}), onSome: (backoff) => ({ backoff }) }),
    ...Option.match(flags.webhookTimeout, { onNone: () => ({}), onSome: (timeout) => ({ timeout }) })
  }
  return Object.keys(set).length === 0 ? undefined : set
}
