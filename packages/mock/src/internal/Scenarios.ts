/**
 * The steps in front of every API operation that answer what a test asked for: a request's
 * own scenario (`Prefer`, `__` query parameters) first, else the global faults. Errors and faults
 * come before authentication, as a gateway's would; named examples come after it.
 */
import type { RefoldApi } from "@refold-effect/contract"
import { Either } from "effect"
import type { Context } from "hono"
import * as Scenario from "../Scenario.js"
import type * as Stubs from "../Stubs.js"
import type { Chaos } from "./Chaos.js"
import * as Examples from "./Examples.js"
import * as Node from "./Node.js"
import type * as Pipeline from "./Pipeline.js"
import * as Reply from "./Reply.js"
import * as Wire from "./Wire.js"

/** The error code of a 400 for a scenario that does not exist. */
export const INVALID_SCENARIO = "INVALID_SCENARIO"

/**
 * Per-request scenarios, then global faults, then arrivals, for the API's routes. Synchronous when
 * there is nothing to do, so that a plain request pays no promise.
 */
export const step = (chaos: Chaos, stubs?: Stubs.Stubs): Pipeline.Step<Reply.MockEnv> => (c, next) => {
  const parsed = Scenario.parse(Node.headers(c.req.raw, c.env), c.req.url)
  if (Either.isLeft(parsed)) return Reply.error(c, 400, INVALID_SCENARIO, parsed.left)
  chaos.tick()
  const scenario = parsed.right ?? stubs?.match(c.req.raw)
  if (scenario === undefined && !chaos.active()) return next(c)
  return answer(chaos, c, next, scenario, parsed.right === undefined)
}

/** `stubbed`: the scenario is a stub's, journaled as `stub=<code>` (a request's own reads `code=<code>`). */
const answer = async (chaos: Chaos, c: Context<Reply.MockEnv>, next: Pipeline.Answerer<Reply.MockEnv>, scenario: Stubs.Stubbed | undefined, stubbed = false) => {
  const request = c.req.raw
  if (scenario === undefined) {
    const decision = chaos.next()
    await Wire.sleep(decision.delayMs, request.signal)
    switch (decision.outcome._tag) {
      case "Pass":
        return next(c)
      case "Reset":
        Reply.applied(c, "reset")
        return Wire.reset(c)
      case "RateLimited":
        Reply.applied(c, "rate-limit")
        return Wire.error(c, 429, decision.outcome.retryAfter)
      case "Error":
        Reply.applied(c, "error")
        return Wire.error(c, decision.outcome.status)
    }
  }

  if (scenario.delay !== undefined) await Wire.sleep(scenario.delay, request.signal)
  if (scenario.fault !== undefined) Reply.applied(c, scenario.fault)
  if (scenario.fault === "reset") return Wire.reset(c)
  if (scenario.fault === "hang") return Wire.hang(c, Scenario.MAX_DELAY_MS)
  if (scenario.fault === "empty") return Wire.empty(c, scenario.code ?? 200)

  let response: Response
  if (scenario.body !== undefined) {
    Reply.applied(c, scenario.fault ?? `stub=${scenario.code ?? 200}`)
    response = Reply.json(scenario.code ?? 200, scenario.body, Reply.requestId(c))
  } else if (scenario.code !== undefined && scenario.code !== 200) {
    if (scenario.fault === undefined) Reply.applied(c, `${stubbed ? "stub" : "code"}=${scenario.code}`)
    response = Wire.error(c, scenario.code, scenario.retryAfter)
  } else {
    if (scenario.example !== undefined) c.set("example", scenario.example)
    response = await next(c)
  }
  if (scenario.fault === "truncate") return Wire.truncate(c, response)
  if (scenario.fault === "malformed") return Wire.malformed(response)
  return response
}

/** How an operation reads the page and limit of a request, for its examples that are pages. */
export type Paging = (url: string) => Either.Either<Examples.Paging, string>

const firstPage: Paging = () => Either.right({ page: 1, limit: 10 })

/**
 * After authentication: answers `example=<name>` with the named example of `endpoint` (see
 * `Scenario.examples`), or a 400 listing the names it has.
 */
export const example = (endpoint: RefoldApi.Endpoint, paging: Paging = firstPage): Pipeline.Step<Reply.MockEnv> => (c, next) => {
  const name = c.get("example")
  if (name === undefined) return next(c)
  const query = paging(c.req.url)
  if (Either.isLeft(query)) return Reply.error(c, 400, Reply.codes.invalidQuery, query.left)
  const body = Examples.body(endpoint.name, name, query.right)
  return body === undefined
    ? Reply.error(
        c,
        400,
        INVALID_SCENARIO,
        `Invalid scenario example: ${JSON.stringify(name)} is not an example of ${endpoint.method} ${endpoint.path}; it has ${Examples.names(endpoint.name)}`
      )
    : Reply.json(200, body, Reply.requestId(c))
}
