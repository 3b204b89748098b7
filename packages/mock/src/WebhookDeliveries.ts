/**
 * The mock's webhook deliveries: on each terminal transition of an execution, the documented
 * payload to every subscription that wants it, signed as the vendor signs it, retried as the vendor
 * retries, each attempt in a bounded journal.
 *
 * - **Which.** `COMPLETED` is `Workflow Completed`; `ERRORED` and `TIMED_OUT` are `Workflow Errored`
 *   (the run stopped because of an error; `status` says which); `STOPPED` (a user's stop) is no
 *   event. A subscription hears an execution when it is enabled, lists the event, its
 *   `workflow_ids` is empty or holds the execution's workflow, and its key's environment is the
 *   execution's.
 * - **How.** A `POST` (or the subscription's `method`) of the JSON payload to `webhook_url` and
 *   nowhere else (redirects are not followed), with `x-cobalt-signature`: the hex HMAC-SHA256 of the
 *   raw body keyed on the API key that registered the subscription.
 * - **Custom webhooks.** A subscription whose `webhook_type` is `custom` is sent its `webhook_body`
 *   rendered against the event (see `Template`; `{{workflow_response}}` is the `latest_output` of
 *   the run's last successful node of type `response`) and its `webhook_headers` (checked when it is
 *   registered), which may replace `content-type` and `user-agent` but never the signature, computed
 *   over the bytes actually sent. A body that renders longer than the webhook routes' body limit is
 *   not sent: it is journaled as `dropped`, saying why.
 * - **Retries.** Anything but a 200 (another status, a refused connection, no answer within
 *   `timeout`) is retried up to `retries` times (3, as the vendor), after `backoff × 2^(n-1)`
 *   on the mock's clock (the {@link Scheduler}): 1 s, 2 s, 4 s by default.
 * - **Never in the way.** `deliver` only queues: requests go out after the API's answer, at most
 *   `concurrency` at a time, each bounded by `timeout` in real time. A receiver that hangs or
 *   refuses costs its own attempts, nothing else. When `queue` deliveries already wait, a new one is
 *   dropped (and journaled as `dropped`) rather than held without bound.
 *
 * @since 0.1.0
 */
import { Webhook } from "@refold-effect/contract"
import type { Fixture } from "@refold-effect/fixtures"
import { Either } from "effect"
import { createHmac } from "node:crypto"
import type { Registered } from "./internal/Subscriptions.js"
import { shown } from "./internal/Shown.js"
import * as Template from "./internal/Template.js"
import * as Uuid from "./internal/Uuid.js"
import { maxBody } from "./internal/WebhookRoutes.js"
import * as Wire from "./internal/Wire.js"
import { MIN_SECRET_LENGTH, REDACTED, redactAbsoluteUrl, redactHeaders, redactValues } from "./Journal.js"
import type { MockClock } from "./MockClock.js"

/** Time as the mock keeps it: real time, a faster one, a manual one, or Effect's `Clock` in tests. */
export interface Scheduler {
  /** The current time, epoch milliseconds. */
  readonly now: () => number
  /** Runs `task` once `delayMs` have passed on this clock; the result cancels it. */
  readonly schedule: (delayMs: number, task: () => void) => () => void
}

/** Real time. Its timers do not keep a process alive on their own. */
export const realTime: Scheduler = {
  now: Date.now,
  schedule: (delayMs, task) => {
    const timer = setTimeout(task, delayMs)
    timer.unref?.()
    return () => clearTimeout(timer)
  }
}

/** The mock's own clock as a scheduler: backoffs follow its speed, and a manual clock's `advance`. */
export const onClock = (clock: MockClock): Scheduler => ({
  now: clock.now,
  schedule: (delayMs, task) => clock.at(clock.now() + delayMs, () => task())
})

/** An execution's change of status, as the lifecycle reports it. */
export interface Transition {
  /** The execution after the change. */
  readonly execution: Fixture.Record
  /** Its status before the change. */
  readonly from: string
}

/** How deliveries behave; every field optional. */
export interface Options {
  /** The clock of backoffs and timestamps; default {@link realTime}. */
  readonly scheduler?: Scheduler | undefined
  /** Retries after a first attempt that is not answered 200; default 3, as the vendor. */
  readonly retries?: number | undefined
  /** First backoff in milliseconds of the scheduler's clock, doubling per retry; default 1000. */
  readonly backoff?: number | undefined
  /** Longest wait for one attempt's answer, in real milliseconds; default 10000. */
  readonly timeout?: number | undefined
  /** Attempts in flight at once; default 8. */
  readonly concurrency?: number | undefined
  /** Attempts waiting for their turn before new ones are dropped; default 1000. */
  readonly queue?: number | undefined
  /** Attempts the journal keeps; default 1000. */
  readonly journal?: number | undefined
}

/** How an attempt ended. */
export type Outcome = "delivered" | "rejected" | "timeout" | "unreachable" | "dropped"

/** One attempt of one delivery, as journaled (the signature redacted: it is keyed on the API key). */
export interface Attempt {
  /** This attempt's id. */
  readonly id: string
  /** The delivery's id: the same for every attempt of one event to one subscription. */
  readonly deliveryId: string
  readonly webhookId: string
  readonly event: string
  /** The execution (`instance_id` of the payload). */
  readonly instanceId: string
  readonly method: string
  readonly url: string
  /** 1 for the first attempt, up to `retries + 1`. */
  readonly attempt: number
  /**
   * When it was sent on the scheduler's clock, epoch milliseconds and ISO 8601: the time it fell due
   * (the run's end, or its backoff's), from which it leaves at once unless `concurrency` attempts
   * are in flight. On a manual clock or `TestClock`, the time of the run's end within an advance.
   */
  readonly sentAt: number
  readonly sentAtString: string
  /** The receiver's status, or `null` when there was none (timeout, refused, dropped). */
  readonly status: number | null
  readonly outcome: Outcome
  /** What went wrong, when something did (never a secret). */
  readonly error?: string | undefined
  /** Real milliseconds until the answer (or the failure). */
  readonly durationMs: number
  /** The delay before the next attempt, on the scheduler's clock, when one is scheduled. */
  readonly retryInMs?: number | undefined
  /** The headers sent, the signature (and any custom header that looks like a secret) redacted. */
  readonly headers: Readonly<Record<string, string>>
  /** The event's payload. */
  readonly payload: Webhook.Payload
  /** The body sent: the payload's JSON, or a custom webhook's rendered body (empty when it could not be rendered). */
  readonly body: string
}

/** The deliveries of one mock app. */
export interface Deliveries {
  /** Queues the deliveries a transition calls for (none unless it is terminal); returns how many. */
  readonly deliver: (transition: Transition) => number
  /** The journaled attempts, newest first. */
  readonly attempts: () => ReadonlyArray<Attempt>
  /** Attempts sent or waiting (queued, in flight, or a retry scheduled). */
  readonly pending: () => number
  /** Resolves once nothing is pending (at once when nothing is). */
  readonly settled: () => Promise<void>
  /** Forgets the journaled attempts. */
  readonly clear: () => void
  /** Cancels every pending attempt and forgets the journal. */
  readonly reset: () => void
}

/** The event of a terminal status, or `undefined` for a status that is not one (or calls for no event). */
export const eventOf = (status: string): (typeof Webhook.workflowEvents)[number] | undefined =>
  status === "COMPLETED" ? "Workflow Completed" : status === "ERRORED" || status === "TIMED_OUT" ? "Workflow Errored" : undefined

/** The payload the vendor documents for a workflow event. */
export const payloadOf = (execution: Fixture.Record, event: (typeof Webhook.workflowEvents)[number]): Webhook.WorkflowPayload => ({
  linked_account_id: execution.linked_account_id,
  instance_id: execution._id,
  workflow_id: execution.associated_workflow?._id ?? "",
  ...(execution.config_id === undefined ? {} : { config_id: execution.config_id }),
  event,
  workflow_name: execution.associated_workflow?.name ?? execution.name,
  status: execution.status,
  environment: execution.environment
})

/** The hex HMAC-SHA256 of `body` keyed on `apiKey`: the vendor's `x-cobalt-signature`. */
export const sign = (body: string, apiKey: string): string => createHmac("sha256", apiKey).update(body).digest("hex")

/**
 * What `{{workflow_response}}` refers to: the `latest_output` of the run's last successful node of
 * type `response` (the vendor's Response node), or `undefined` when it has none.
 */
export const responseOf = (execution: Fixture.Record): unknown => {
  for (let i = execution.nodes.length - 1; i >= 0; i--) {
    const node = execution.nodes[i]!
    if (node.node_type.toLowerCase() === "response" && node.node_status === "Success") return node.latest_output
  }
  return undefined
}

/** The headers every delivery carries unless a custom webhook sets its own. */
const defaultHeaders = { "content-type": "application/json", "user-agent": "refold-mock" } as const

/** A delivery as the journal shows it: no signature, and no API key even where a custom template or header wrote one. */
interface Shown {
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
}

/** Redacts the subscription's key wherever it appears in a text. */
const redactorOf = (apiKey: string) =>
  // A key too short to be told from ordinary text (the mock accepts any key) is not searched for.
  apiKey.length < MIN_SECRET_LENGTH ? (text: string) => text : (text: string) => redactValues(text, [apiKey])

/** The URL as the journal shows it: redacted as the request journal redacts URLs, and the key wherever it is. */
const shownUrl = (url: string, apiKey: string): string => redactAbsoluteUrl(url, redactorOf(apiKey))

const shownOf = (body: string, headers: Headers, apiKey: string): Shown => {
  const redact = redactorOf(apiKey)
  // The signature is keyed on the API key: redacted by name, whatever the redaction rules say.
  return { body: redact(body), headers: { ...redactHeaders(headers, redact), [Webhook.signatureHeader]: REDACTED } }
}

/** What one subscription is sent for one event: the body and the headers, signature included, or why it cannot be sent. */
const requestOf = (
  { subscription, apiKey }: Registered,
  payloadJson: string,
  scope: Template.Scope
): Either.Either<{ readonly body: string; readonly headers: Headers; readonly shown: Shown }, string> => {
  const custom = subscription.webhook_type === "custom"
  const rendered = custom && subscription.webhook_body !== undefined ? Template.render(subscription.webhook_body, scope, maxBody) : Either.right(payloadJson)
  return Either.flatMap(rendered, (body) => {
    try {
      const headers = new Headers(defaultHeaders)
      if (custom) for (const [name, value] of Object.entries(subscription.webhook_headers ?? {})) headers.set(name, String(value))
      // Last, so that no custom header can take its place.
      headers.set(Webhook.signatureHeader, sign(body, apiKey))
      return Either.right({ body, headers, shown: shownOf(body, headers, apiKey) })
    } catch (e) {
      // The routes check the headers; this is for a subscription that reached the store another way.
      return Either.left(`webhook_headers: ${(e as Error).message}`)
    }
  })
}

/** Whether a subscription wants this execution's event. */
const wants = ({ subscription }: Registered, execution: Fixture.Record, event: string) =>
  subscription.is_enabled &&
  subscription.webhook_events.includes(event) &&
  subscription.environment === execution.environment &&
  (subscription.workflow_ids === undefined ||
    subscription.workflow_ids.length === 0 ||
    (execution.associated_workflow?._id !== undefined && subscription.workflow_ids.includes(execution.associated_workflow._id)))

/** One delivery: everything its attempts need. The key stays here, never in the journal. */
interface Job {
  readonly deliveryId: string
  readonly webhookId: string
  readonly event: string
  readonly payload: Webhook.WorkflowPayload
  readonly body: string
  /** The headers to send, the signature among them. */
  readonly headers: Headers
  /** The body and headers as journaled. */
  readonly shown: Shown
  readonly method: string
  readonly url: string
  /** The URL as journaled (see {@link shownUrl}). */
  readonly shownUrl: string
  attempt: number
  /** When the attempt fell due on the scheduler's clock: the run's end, then each backoff's. */
  due: number
}

/** The longest wait Node's timers take (`AbortSignal.timeout` bounds an attempt): a longer one fires at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1

/**
 * The bounds of each numeric option, with its default: the type makes a missing one a compile
 * error. Counts are whole numbers (a `concurrency` of 0.5 would deliver nothing).
 */
const numeric: { readonly [K in Exclude<keyof Options, "scheduler">]-?: { readonly fallback: number; readonly min: number; readonly max?: number; readonly whole: boolean } } = {
  retries: { fallback: 3, min: 0, whole: true },
  backoff: { fallback: 1000, min: 0, whole: false },
  timeout: { fallback: 10_000, min: 1, max: MAX_TIMEOUT_MS, whole: false },
  concurrency: { fallback: 8, min: 1, whole: true },
  queue: { fallback: 1000, min: 0, whole: true },
  journal: { fallback: 1000, min: 0, whole: true }
}

/** The default of each numeric option (the README's table is checked against it). */
export const defaults: { readonly [K in keyof typeof numeric]: number } = Object.fromEntries(
  Object.entries(numeric).map(([key, { fallback }]) => [key, fallback])
) as { readonly [K in keyof typeof numeric]: number }

/**
 * Why `options` cannot configure deliveries, or `undefined` when they can: an object of
 * {@link Options}' fields only, each number within its bounds, the scheduler `{ now, schedule }`.
 */
export const invalidOptions = (options: unknown): string | undefined => {
  if (typeof options !== "object" || options === null || Array.isArray(options)) return `Invalid webhooks: expected delivery options such as { retries: 3 }, got ${shown(options)}`
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue
    if (name === "scheduler") {
      const scheduler = value as Partial<Scheduler> | null
      if (typeof scheduler !== "object" || scheduler === null || typeof scheduler.now !== "function" || typeof scheduler.schedule !== "function") return "Invalid webhooks.scheduler: expected { now, schedule }"
      continue
    }
    const bounds = Object.hasOwn(numeric, name) ? numeric[name as keyof typeof numeric] : undefined
    if (bounds === undefined) return `Invalid webhooks: unknown field ${JSON.stringify(name)}; expected ${["scheduler", ...Object.keys(numeric)].join(", ")}`
    const fits = typeof value === "number" && (bounds.whole ? Number.isInteger(value) : Number.isFinite(value)) && value >= bounds.min && value <= (bounds.max ?? Number.MAX_SAFE_INTEGER)
    if (!fits) return `Invalid webhooks.${name}: expected ${bounds.whole ? "a whole number" : "a number"} ${bounds.max === undefined ? `of at least ${bounds.min}` : `from ${bounds.min} to ${bounds.max}`}, got ${shown(value)}`
  }
  return undefined
}

/** The deliveries of an app whose subscriptions `subscriptions()` lists. Throws a `RangeError` on invalid options (see {@link invalidOptions}). */
export const make = (subscriptions: () => ReadonlyArray<Registered>, options: Options = {}): Deliveries => {
  const bad = invalidOptions(options)
  if (bad !== undefined) throw new RangeError(bad)
  const scheduler = options.scheduler ?? realTime
  const { retries, backoff, timeout, concurrency, queue: queueLimit, journal: capacity } = Object.fromEntries(
    Object.entries(numeric).map(([name, bounds]) => [name, options[name as keyof typeof numeric] ?? bounds.fallback])
  ) as { readonly [K in keyof typeof numeric]: number }

  let journal: Array<Attempt> = []
  const queue: Array<Job> = []
  const timers = new Set<() => void>()
  let inFlight = 0
  // Bumped by reset: attempts of an older generation finish without journaling or retrying.
  let generation = 0
  let waiters: Array<() => void> = []

  const pending = () => queue.length + inFlight + timers.size
  const checkSettled = () => {
    if (pending() > 0 || waiters.length === 0) return
    const done = waiters
    waiters = []
    for (const resolve of done) resolve()
  }

  const record = (job: Job, sentAt: number, outcome: Outcome, status: number | null, durationMs: number, error?: string, retryInMs?: number) => {
    journal.unshift({
      id: Uuid.v4(),
      deliveryId: job.deliveryId,
      webhookId: job.webhookId,
      event: job.event,
      instanceId: job.payload.instance_id,
      method: job.method,
      url: job.shownUrl,
      attempt: job.attempt,
      sentAt,
      sentAtString: new Date(sentAt).toISOString(),
      status,
      outcome,
      ...(error === undefined ? {} : { error }),
      durationMs,
      ...(retryInMs === undefined ? {} : { retryInMs }),
      headers: job.shown.headers,
      payload: job.payload,
      body: job.shown.body
    })
    if (journal.length > capacity) journal.length = capacity
  }

  const enqueue = (job: Job) => {
    if (queue.length >= queueLimit) {
      record(job, scheduler.now(), "dropped", null, 0, `more than ${queueLimit} deliveries waiting`)
      return
    }
    queue.push(job)
    pump()
  }

  const retryLater = (job: Job, mine: number) => {
    const delay = backoff * 2 ** (job.attempt - 1)
    const cancel = scheduler.schedule(delay, () => {
      timers.delete(cancel)
      if (mine !== generation) return
      job.attempt++
      job.due = scheduler.now()
      enqueue(job)
      checkSettled()
    })
    timers.add(cancel)
    return delay
  }

  const send = async (job: Job, mine: number) => {
    // The clock's time when it fell due, not when the network let it go: on a manual clock or
    // `TestClock` the attempt leaves after the advance that made it due, at a time of no meaning.
    const sentAt = job.due
    const started = performance.now()
    let status: number | null = null
    let outcome: Outcome
    let error: string | undefined
    try {
      const response = await fetch(job.url, {
        method: job.method,
        headers: job.headers,
        body: job.body,
        redirect: "manual",
        signal: AbortSignal.timeout(timeout)
      })
      status = response.status
      // The answer's body is not needed: let the connection go back to the pool.
      await response.body?.cancel().catch(() => undefined)
      outcome = status === 200 ? "delivered" : "rejected"
      if (status !== 200) error = `answered ${status}; only 200 acknowledges a delivery`
    } catch (e) {
      const name = (e as Error).name
      outcome = name === "TimeoutError" || name === "AbortError" ? "timeout" : "unreachable"
      error = outcome === "timeout" ? `no answer within ${timeout} ms` : describe(e)
    }
    if (mine !== generation) return
    const retry = outcome !== "delivered" && job.attempt <= retries ? retryLater(job, mine) : undefined
    record(job, sentAt, outcome, status, Math.round(performance.now() - started), error, retry)
  }

  const pump = () => {
    while (inFlight < concurrency && queue.length > 0) {
      const job = queue.shift()!
      const mine = generation
      inFlight++
      // Sent on a later turn: `deliver` runs inside a request's handling, which it must not hold up.
      setImmediate(() => {
        send(job, mine).finally(() => {
          if (mine === generation) inFlight--
          pump()
          checkSettled()
        })
      })
    }
  }

  const deliver = ({ execution }: Transition): number => {
    const event = eventOf(execution.status)
    if (event === undefined) return 0
    const targets = subscriptions().filter((s) => wants(s, execution, event))
    if (targets.length === 0) return 0
    const payload = payloadOf(execution, event)
    const payloadJson = JSON.stringify(payload)
    const scope: Template.Scope = { event: payload, workflow_response: responseOf(execution) }
    for (const target of targets) {
      const request = requestOf(target, payloadJson, scope)
      const job: Job = {
        deliveryId: Uuid.v4(),
        webhookId: target.subscription._id,
        event,
        payload,
        body: Either.isRight(request) ? request.right.body : "",
        headers: Either.isRight(request) ? request.right.headers : new Headers(defaultHeaders),
        shown: Either.isRight(request) ? request.right.shown : { body: "", headers: { ...defaultHeaders } },
        method: target.subscription.method,
        url: target.subscription.webhook_url,
        shownUrl: shownUrl(target.subscription.webhook_url, target.apiKey),
        attempt: 1,
        due: scheduler.now()
      }
      if (Either.isLeft(request)) record(job, scheduler.now(), "dropped", null, 0, request.left)
      else enqueue(job)
    }
    return targets.length
  }

  return {
    deliver,
    attempts: () => journal.slice(),
    pending,
    // A backoff's timer never keeps the process alive; a wait for the deliveries does.
    settled: () => (pending() === 0 ? Promise.resolve() : Wire.keptAlive(new Promise<void>((resolve) => waiters.push(resolve)))),
    clear: () => {
      journal = []
    },
    reset: () => {
      generation++
      for (const cancel of timers) cancel()
      timers.clear()
      queue.length = 0
      inFlight = 0
      journal = []
      checkSettled()
    }
  }
}

/** A network failure in one line: Node's fetch hides the cause (`ECONNREFUSED`, ...) one level down. */
const describe = (e: unknown): string => {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause
  return cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e))
}
