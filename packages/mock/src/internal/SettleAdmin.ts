/**
 * `POST /__admin/webhooks/settle`: waits until no webhook delivery is queued, in flight or waiting
 * for a retry, as `RefoldMock.deliveriesSettled` does in-process, for a suite that runs the mock as
 * a process. Bounded: it answers 409 `DELIVERIES_PENDING` after `timeoutMs` (default 10 s), naming
 * how many remain, rather than hold the request.
 *
 * @since 0.2.0
 */
import { Either } from "effect"
import type { Context } from "hono"
import * as AdminBody from "./AdminBody.js"
import * as Reply from "./Reply.js"
import { quoted } from "./Shown.js"

/** The default and the longest wait, in real milliseconds. */
export const DEFAULT_TIMEOUT_MS = 10_000
export const MAX_TIMEOUT_MS = 600_000

/** How often the wait looks at the deliveries: they change on timers and answers, never on this request. */
const POLL_MS = 5

/** The error code when deliveries remain after the wait. */
export const DELIVERIES_PENDING = "DELIVERIES_PENDING"

/** The route's handler, over the deliveries' `pending()` count (queued, in flight, waiting for a retry). */
export const handler = (pending: () => number) => async (c: Context<Reply.MockEnv>): Promise<Response> => {
  const body = await AdminBody.object(c)
  if (Either.isLeft(body)) return body.left
  const { timeoutMs = DEFAULT_TIMEOUT_MS, ...rest } = body.right
  const extra = Object.keys(rest)[0]
  if (extra !== undefined) return AdminBody.invalid(c, `Invalid settle: unknown field ${quoted(extra)}; expected "timeoutMs"`)
  if (typeof timeoutMs !== "number" || !Number.isInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > MAX_TIMEOUT_MS) {
    return AdminBody.invalid(c, `Invalid settle "timeoutMs": expected a whole number of milliseconds from 0 to ${MAX_TIMEOUT_MS}, got ${typeof timeoutMs === "string" ? quoted(timeoutMs) : JSON.stringify(timeoutMs).slice(0, 64)}`)
  }
  const deadline = Date.now() + timeoutMs
  const signal = c.req.raw.signal
  while (pending() > 0 && Date.now() < deadline && !signal.aborted) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))))
  }
  const left = pending()
  if (left === 0) return Reply.json(200, JSON.stringify({ settled: true, pending: 0 }), Reply.requestId(c))
  return Reply.error(
    c,
    409,
    DELIVERIES_PENDING,
    `Webhook deliveries not settled after ${timeoutMs} ms: ${left} pending (queued, in flight or waiting for a retry; on a manual clock a retry waits for POST /__admin/clock/advance past its backoff)`
  )
}
