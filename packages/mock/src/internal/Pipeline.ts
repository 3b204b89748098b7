/**
 * A route's behaviour as small steps (scenarios, authentication, named examples) in front of a thin
 * handler, run as ONE Hono handler that stays synchronous until a step needs to wait.
 *
 * Why not Hono middleware: Hono's `compose` awaits every middleware, so a route with more than one
 * handler always answers through a chain of promises, and Hono returns a handler's `Response`
 * synchronously only when exactly one handler matches. `@hono/node-server` in turn writes a
 * response in the same tick only when the app returned it synchronously; otherwise it watches the
 * socket and awaits. Here a step is a plain function that returns a `Response`, its own or
 * `next(c)`'s, and becomes a promise only when it must (a delay, a fault, a scenario that awaits).
 */
import type { Context, Env, Handler } from "hono"

/** What a step or handler answers: a response, or its promise when it has to wait. */
export type Answer = Response | Promise<Response>

/** What answers a request in a given context: a route's handler, or the steps from one on. */
export type Answerer<E extends Env> = (c: Context<E>) => Answer

/**
 * One step in front of a route's handler: answers itself, or returns `next(c)` (the answer of the
 * steps after it), possibly changed. A step that throws, or whose promise rejects, is the app's
 * `onError`.
 */
export type Step<E extends Env> = (c: Context<E>, next: Answerer<E>) => Answer

/** `steps` in order, then `handler`, as one Hono handler. */
export const handler = <E extends Env>(steps: ReadonlyArray<Step<E>>, last: Answerer<E>): Handler<E> =>
  steps.reduceRight<Answerer<E>>((next, step) => (c) => step(c, next), last)
