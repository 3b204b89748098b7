/**
 * The admin routes of the clock and the lifecycle, mounted by `Admin` under `/__admin` (behind its
 * admin token and body limit):
 *
 * | route | does |
 * |---|---|
 * | `GET /__admin/clock` | `{ mode, speed, now, nowMs, advancedMs, pending, running }` |
 * | `POST /__admin/clock/advance` | `{ "ms": N }`: moves the clock forward (any mode), runs what falls due, answers as `GET` |
 * | `POST /__admin/executions` | an execution record → 201 the record (a `RUNNING` one starts running) |
 * | `PATCH /__admin/executions/:id` | execution fields → the record (`"status": "STOPPING"` stops it on the clock) |
 * | `POST /__admin/executions/:id/outcome` | `{ "status": "ERRORED", "node": 2 }`: how a running execution ends |
 */
import type { Fixture } from "@refold-effect/fixtures"
import { Either } from "effect"
import type { Context, Hono } from "hono"
import * as Lifecycle from "../Lifecycle.js"
import { MAX_ADVANCE_MS, type MockClock } from "../MockClock.js"
import * as AdminBody from "./AdminBody.js"
import type { Edits } from "./Edits.js"
import * as Reply from "./Reply.js"

/** What the routes drive. */
export interface Options {
  readonly clock: MockClock
  readonly lifecycle: Lifecycle.Lifecycle
  readonly edits: Edits
  /** The execution with this id, in any state. */
  readonly find: (id: string) => Fixture.Record | undefined
}

type C = Context<Reply.MockEnv>

const ok = (c: C, body: unknown, status = 200) => Reply.json(status, JSON.stringify(body), Reply.requestId(c))
const invalid = AdminBody.invalid
// Every body is read as the other admin routes read theirs (JSON content type, depth, UTF-8).
const objectBody = AdminBody.object

/** Checks the body of `POST /__admin/executions/:id/outcome`. */
export const decodeForced = (body: Record<string, unknown>): Either.Either<Lifecycle.Forced, string> => {
  const extra = Object.keys(body).find((k) => k !== "status" && k !== "node")
  if (extra !== undefined) return Either.left(`Invalid outcome: unknown field ${JSON.stringify(extra)}; expected { "status", "node" }`)
  if (!(Lifecycle.outcomes as ReadonlyArray<unknown>).includes(body.status)) {
    return Either.left(`Invalid outcome status ${JSON.stringify(body.status)}: expected one of ${Lifecycle.outcomes.join(", ")}`)
  }
  if (body.node !== undefined && (typeof body.node !== "number" || !Number.isInteger(body.node) || body.node < 0)) {
    return Either.left(`Invalid outcome node ${JSON.stringify(body.node)}: expected a node's index (0, 1, ...)`)
  }
  return Either.right({ status: body.status as Lifecycle.Outcome, node: body.node as number | undefined })
}

/** Adds the routes to the admin app. */
export const routes = (admin: Hono<Reply.MockEnv>, options: Options): void => {
  const { clock, lifecycle, edits } = options
  const snapshot = () => ({ ...clock.snapshot(), running: lifecycle.size() })

  admin.get("/clock", (c) => ok(c, snapshot()))

  admin.post("/clock/advance", async (c) => {
    const body = await objectBody(c)
    if (Either.isLeft(body)) return body.left
    const extra = Object.keys(body.right).find((k) => k !== "ms")
    if (extra !== undefined) return invalid(c, `Invalid advance: unknown field ${JSON.stringify(extra)}; expected { "ms": N }`)
    if (body.right.ms === undefined) return invalid(c, `Invalid clock advance: "ms" is required, a whole number of milliseconds from 0 to ${MAX_ADVANCE_MS}`)
    try {
      clock.advance(body.right.ms as number)
    } catch (e) {
      return invalid(c, (e as Error).message)
    }
    return ok(c, snapshot())
  })

  admin.post("/executions", async (c) => {
    const body = await objectBody(c)
    if (Either.isLeft(body)) return body.left
    const inserted = edits.insert(body.right)
    return Either.isLeft(inserted) ? invalid(c, inserted.left) : ok(c, inserted.right, 201)
  })

  admin.patch("/executions/:id", async (c) => {
    const body = await objectBody(c)
    if (Either.isLeft(body)) return body.left
    const updated = edits.update(c.req.param("id"), body.right)
    if (Either.isRight(updated)) return ok(c, updated.right)
    return updated.left.startsWith("No execution") ? Reply.error(c, 404, "RESOURCE_NOT_FOUND", updated.left) : invalid(c, updated.left)
  })

  admin.post("/executions/:id/outcome", async (c) => {
    const body = await objectBody(c)
    if (Either.isLeft(body)) return body.left
    const forced = decodeForced(body.right)
    if (Either.isLeft(forced)) return invalid(c, forced.left)
    const id = c.req.param("id")
    if (options.find(id) === undefined) return Reply.error(c, 404, "RESOURCE_NOT_FOUND", `No execution ${JSON.stringify(id)}`)
    try {
      lifecycle.force(id, forced.right)
    } catch (e) {
      // A node that cannot end the run is bad input; an execution that does not run is a conflict.
      return e instanceof RangeError ? invalid(c, e.message) : Reply.error(c, 409, "NOT_RUNNING", (e as Error).message)
    }
    return ok(c, { execution_id: c.req.param("id"), ...forced.right })
  })
}
