/**
 * `@refold-effect/sdk/promise`: the SDK for code outside Effect. The same operations, settings,
 * retries and error classes, as Promises and an `AsyncIterable`.
 *
 * ```ts
 * import { createRefoldClient, NotFound } from "@refold-effect/sdk/promise"
 *
 * const refold = createRefoldClient({ apiKey: process.env.REFOLD_API_KEY!, linkedAccountId: "user_12345" })
 * for await (const execution of refold.executions.iterate({ status: "ERRORED" })) console.log(execution._id)
 * await refold.close()
 * ```
 *
 * @since 0.1.0
 */
import { FetchHttpClient } from "@effect/platform"
import type { Execution, Page } from "@refold-effect/contract"
import { Cause, Chunk, Effect, Either, Exit, Fiber, Layer, ManagedRuntime, Option, Scope, Stream } from "effect"
import { Executions, type Service, type WalkParams } from "./Executions.js"
import * as Auth from "./internal/auth.js"
import type { ListParams } from "./ListParams.js"
import { RefoldAuth } from "./RefoldAuth.js"
import * as RefoldConfig from "./RefoldConfig.js"
import type { RefoldError } from "./RefoldError.js"

/** The error classes the Promises reject with: the same classes as the Effect API, so `instanceof` works across both. */
export {
  BadRequest,
  DecodeError,
  Forbidden,
  isRefoldError,
  NotFound,
  RateLimited,
  type RefoldError,
  ServerError,
  Timeout,
  TransportError,
  Unauthorized
} from "./RefoldError.js"
/** Webhook deliveries as Promises: `Webhooks.verify`, `Webhooks.decode`, `Webhooks.receive`. */
export { InvalidPayload, InvalidSignature, promise as Webhooks } from "./Webhooks.js"
/** Parameters of `list` and `iterate`. */
export type { DateBound, ListParams } from "./ListParams.js"
export type { WalkParams } from "./Executions.js"
/** The wire types of pages and executions. */
export type { Execution, Page } from "@refold-effect/contract"

/** An org API key with the linked account it acts on. */
export interface ApiKeyCredentials {
  readonly apiKey: string
  readonly linkedAccountId: string
}

/** A linked account's session token. */
export interface SessionTokenCredentials {
  readonly sessionToken: string
}

/**
 * Client settings: those of `RefoldConfig` (durations in milliseconds or as text such as
 * `"10 seconds"`), and optionally the `fetch` to use (default: Node's own
 * `http` client where the runtime has one, else the global `fetch`).
 */
export interface ClientOptions extends RefoldConfig.Options {
  readonly fetch?: typeof globalThis.fetch | undefined
}

/** Per-call options. */
export interface CallOptions {
  /** Aborting it cancels the call (its request, or its backoff) and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/** The executions of the linked account. Every rejection is one of the SDK's error classes. */
export interface ExecutionsClient {
  /** One page of executions, newest first. */
  list(params?: ListParams, options?: CallOptions): Promise<Page.ExecutionPage>
  /** One execution with its nodes; rejects with `NotFound` for an id the account does not have. */
  get(executionId: string, options?: CallOptions): Promise<Execution.Detail>
  /**
   * Every execution across all pages, once each, newest first, the next pages read ahead while
   * the loop works (`readAhead`, as for `stream`). Leaving the loop (`break`, `return`, a throw)
   * cancels every request in flight and fetches nothing more.
   */
  iterate(params?: WalkParams, options?: CallOptions): AsyncIterable<Execution.Summary>
}

/** A client of the Refold API. */
export interface RefoldClient {
  readonly executions: ExecutionsClient
  /** Interrupts calls in flight and releases the client; later calls reject. */
  close(): Promise<void>
}

const invalid = (what: string, error: unknown) => new TypeError(`createRefoldClient: invalid ${what}: ${String(error)}`)

const credentialsOf = (credentials: ApiKeyCredentials | SessionTokenCredentials): Auth.Credentials => {
  if (typeof credentials !== "object" || credentials === null) {
    throw new TypeError("createRefoldClient: expected { apiKey, linkedAccountId } or { sessionToken }")
  }
  const result: Either.Either<Auth.Credentials, unknown> = "sessionToken" in credentials
    ? Auth.sessionToken(credentials.sessionToken)
    : Auth.apiKey(credentials as ApiKeyCredentials)
  if (Either.isLeft(result)) throw invalid("credentials", result.left)
  return result.right
}

const rejection = (cause: Cause.Cause<unknown>, signal: AbortSignal | undefined, closed: boolean): unknown =>
  signal?.aborted
    ? signal.reason
    : closed && Cause.isInterruptedOnly(cause)
    ? new Error("RefoldClient was closed while the call was in flight")
    : Cause.squash(cause)

/**
 * Creates a client. Credentials and options are checked at once: a malformed one throws a
 * `TypeError` naming it (never showing a secret). Call {@link RefoldClient.close} when done.
 */
export const createRefoldClient = (
  credentials: ApiKeyCredentials | SessionTokenCredentials,
  options: ClientOptions = {}
): RefoldClient => {
  const auth = credentialsOf(credentials)
  const { fetch, ...configOptions } = options
  const settings = RefoldConfig.make(configOptions)
  if (Either.isLeft(settings)) throw invalid("options", settings.left)

  const http = fetch === undefined ? Layer.empty : Layer.succeed(FetchHttpClient.Fetch, fetch)
  const runtime = ManagedRuntime.make(
    Executions.layer.pipe(
      Layer.provide([Layer.succeed(RefoldAuth, auth), Layer.succeed(RefoldConfig.RefoldConfig, settings.right), http])
    )
  )
  let closed = false
  const running = new Set<Fiber.RuntimeFiber<unknown, unknown>>()
  const ensureOpen = () => {
    if (closed) throw new Error("RefoldClient is closed: create a new client")
  }

  /** Runs an effect on the client's runtime until it ends, `signal` aborts or the client closes. */
  const run = async <A, E>(effect: Effect.Effect<A, E, Executions>, signal: AbortSignal | undefined): Promise<Exit.Exit<A, E>> => {
    const fiber = runtime.runFork(effect)
    running.add(fiber)
    const abort = () => {
      fiber.unsafeInterruptAsFork(fiber.id())
    }
    signal?.addEventListener("abort", abort, { once: true })
    try {
      // Observing the fiber directly: `runPromise(Fiber.await(fiber))` would start a second fiber per call.
      return await new Promise<Exit.Exit<A, E>>((resolve) => fiber.addObserver(resolve))
    } finally {
      signal?.removeEventListener("abort", abort)
      running.delete(fiber)
    }
  }

  const call = async <A>(f: (service: Service) => Effect.Effect<A, RefoldError>, signal: AbortSignal | undefined): Promise<A> => {
    ensureOpen()
    signal?.throwIfAborted()
    const exit = await run(Effect.flatMap(Executions, f), signal)
    if (Exit.isSuccess(exit)) return exit.value
    throw rejection(exit.cause, signal, closed)
  }

  const iterate = (params: WalkParams = {}, callOptions: CallOptions = {}): AsyncIterable<Execution.Summary> => ({
    [Symbol.asyncIterator]: () => {
      ensureOpen()
      const signal = callOptions.signal
      const scope = Effect.runSync(Scope.make())
      const stream = Stream.unwrap(Effect.map(Executions, (service) => service.stream(params)))
      let pull: Effect.Effect<Chunk.Chunk<Execution.Summary>, Option.Option<RefoldError>, Executions> | undefined
      let buffer: ReadonlyArray<Execution.Summary> = []
      let index = 0
      let done = false
      let finished = false
      // The pull in progress, interrupted when the loop is left while it runs.
      let pending: AbortController | undefined

      const finish = async () => {
        done = true
        buffer = []
        pending?.abort()
        signal?.removeEventListener("abort", onAbort)
        if (finished) return
        finished = true
        await Effect.runPromise(Scope.close(scope, Exit.void))
      }
      const onAbort = () => {
        pending?.abort()
      }
      signal?.addEventListener("abort", onAbort, { once: true })

      const pullOnce = Effect.suspend(() =>
        pull !== undefined
          ? pull
          : Stream.toPull(stream).pipe(
            Scope.extend(scope),
            Effect.tap((p) => {
              pull = p
            }),
            Effect.flatten
          )
      )

      const next = async (): Promise<IteratorResult<Execution.Summary>> => {
        while (!done) {
          if (signal?.aborted || closed) {
            await finish()
            throw signal?.aborted ? signal.reason : new Error("RefoldClient is closed: create a new client")
          }
          if (index < buffer.length) return { done: false, value: buffer[index++]! }
          const controller = new AbortController()
          pending = controller
          const exit = await run(pullOnce, controller.signal)
          if (pending === controller) pending = undefined
          if (Exit.isSuccess(exit)) {
            buffer = Chunk.toReadonlyArray(exit.value)
            index = 0
            continue
          }
          const failure = Cause.failureOption(exit.cause)
          if (Option.isSome(failure) && Option.isNone(failure.value)) break // the stream ended
          await finish()
          if (Cause.isInterruptedOnly(exit.cause) && !signal?.aborted && !closed) break // left while pulling
          throw Option.isSome(failure) && Option.isSome(failure.value) ? failure.value.value : rejection(exit.cause, signal, closed)
        }
        await finish()
        return { done: true, value: undefined }
      }
      return {
        next,
        return: async () => {
          await finish()
          return { done: true, value: undefined }
        }
      }
    }
  })

  return {
    executions: {
      list: (params, callOptions) => call((service) => service.list(params), callOptions?.signal),
      get: (executionId, callOptions) => call((service) => service.get(executionId), callOptions?.signal),
      iterate
    },
    close: async () => {
      closed = true
      await Effect.runPromise(Fiber.interruptAll(running))
      await runtime.dispose()
    }
  }
}
