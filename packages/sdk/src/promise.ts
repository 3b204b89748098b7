/**
 * `@refold-effect/sdk/promise`: the SDK for code outside Effect, shaped as openai-node users expect
 * it. The same operations, settings, retries and error classes, as Promises and `AsyncIterable`s.
 *
 * ```ts
 * import { createRefoldClient } from "@refold-effect/sdk/promise"
 *
 * // Credentials and settings from REFOLD_* variables when not given.
 * await using refold = createRefoldClient({ linkedAccountId: "user_12345" })
 * for await (const execution of refold.executions.iterate({ status: "ERRORED" })) console.log(execution._id)
 * ```
 *
 * @since 0.1.0
 */
import { FetchHttpClient } from "@effect/platform"
import type { Batch, Control, Execute, Execution, Page } from "@refold-effect/contract"
import type { ConfigError} from "effect";
import { Cause, Chunk, type Duration, Config, Effect, Either, Exit, Fiber, Layer, ManagedRuntime, Option, Scope, Stream } from "effect"
import { type BatchParams, Executions, type Service, type WaitOptions, type WalkParams, type WatchOptions } from "./Executions.js"
import * as Auth from "./internal/auth.js"
import * as Configs from "./internal/configs.js"
import * as Overrides from "./internal/overrides.js"
import { kindOf } from "./internal/show.js"
import type { ListParams } from "./ListParams.js"
import * as RefoldAuth from "./RefoldAuth.js"
import * as RefoldConfig from "./RefoldConfig.js"
import { ClientClosed, InvalidArgument, isRefoldError as isAnyRefoldError, type RefoldError as AnyRefoldError } from "./RefoldError.js"
import { type AsyncExecuteOptions, type ExecuteOptions, type SyncExecuteOptions, Workflows } from "./Workflows.js"

/** The error classes the Promises reject with: the same classes as the Effect API, so `instanceof` works across both. */
export {
  BadRequest,
  ClientClosed,
  DecodeError,
  Forbidden,
  InvalidArgument,
  isRetryable,
  isTransient,
  NoProgress,
  NotFound,
  RateLimited,
  ResponseTooLarge,
  ServerError,
  Timeout,
  TransportError,
  Unauthorized,
  WaitTimeout
} from "./RefoldError.js"
/** Webhook deliveries as Promises: `Webhooks.verify`, `Webhooks.decode`, `Webhooks.receive`. */
export { InvalidPayload, InvalidSignature, promise as Webhooks } from "./Webhooks.js"
/** Parameters of `list` and `iterate`. */
export type { DateBound, ListParams } from "./ListParams.js"
export type { BatchParams, WaitOptions, WalkParams, WatchOptions } from "./Executions.js"
export type { AsyncExecuteOptions, ExecuteOptions, SyncExecuteOptions } from "./Workflows.js"
/** The wire types of pages, executions, batches and control answers. */
export type { Batch, Control, Execute, Execution, Page } from "@refold-effect/contract"

/**
 * Any error the client throws or rejects with: the Effect API's `RefoldError`s, and `ClientClosed`
 * (a call after `close()`, or in flight then). `error instanceof RefoldError` is true for every
 * class above.
 */
export type RefoldError = AnyClientError

type AnyClientError = AnyRefoldError | ClientClosed

/** `true` for any error the client throws or rejects with (a {@link RefoldError}). */
export const isRefoldError = (u: unknown): u is AnyClientError => isAnyRefoldError(u) || u instanceof ClientClosed

/**
 * The base of every error the client throws or rejects with, for `instanceof` (as openai-node's
 * `OpenAIError`): each error class above is a `RefoldError`. Not meant to be constructed.
 */
export const RefoldError: { readonly [Symbol.hasInstance]: (u: unknown) => u is AnyClientError; readonly prototype: Error } =
  class RefoldError extends Error {
    static override [Symbol.hasInstance](u: unknown): u is AnyClientError {
      return isRefoldError(u)
    }
  }

/**
 * Client options: credentials, the settings of `RefoldConfig` (durations in milliseconds or as
 * text such as `"10 seconds"`), and the `fetch` to send requests with (default: the global one).
 * Credentials not given are read from `REFOLD_API_KEY` (+ `REFOLD_LINKED_ACCOUNT_ID`) or
 * `REFOLD_SESSION_TOKEN`, settings not given from their `REFOLD_*` variables.
 */
export interface ClientOptions extends RefoldConfig.Options {
  /** An org API key (`x-api-key`). */
  readonly apiKey?: string | undefined
  /** The linked account the key acts on by default (per call: `linkedAccountId`). */
  readonly linkedAccountId?: string | undefined
  /** A linked account's session token, instead of an API key. */
  readonly sessionToken?: string | undefined
  readonly fetch?: typeof globalThis.fetch | undefined
}

/** Per-call options. */
export interface CallOptions {
  /** Aborting it cancels the call (its request, or its backoff) and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
  /** The per-attempt timeout of this call, in milliseconds or as text. */
  readonly timeout?: Duration.DurationInput | undefined
  /** The retries of this call (0: none). */
  readonly maxRetries?: number | undefined
  /** Acts on this linked account instead of the client's (same org API key). */
  readonly linkedAccountId?: string | undefined
}

/**
 * Options of `watch`: the poll `interval`, and the per-call options but `timeout` (each poll's
 * per-attempt timeout stays the client's, so that `timeout` means one thing on `waitFor`).
 */
export interface WatchCallOptions extends WatchOptions, Omit<CallOptions, "timeout"> {}

/** Options of `waitFor`: how long to wait (`timeout`), the poll `interval`, and the per-call options. */
export interface WaitCallOptions extends WaitOptions, Omit<CallOptions, "timeout"> {}

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
  /** Every page, in order, read ahead like {@link iterate}. */
  pages(params?: WalkParams, options?: CallOptions): AsyncIterable<Page.ExecutionPage>
  /** Stops a running execution: the vendor's answer (`{ message: "Stopping instance" }`). */
  stop(executionId: string, options?: CallOptions): Promise<Control.StopResult>
  /** Runs an execution again: the new execution's id. */
  rerun(executionId: string, options?: CallOptions): Promise<string>
  /**
   * Follows an execution until it ends: its first snapshot at once, then every `interval` (default
   * 2 s) each one that changed, the last one with a terminal status (`COMPLETED`, `ERRORED`,
   * `STOPPED`, `TIMED_OUT`); see `Executions.watch`. Leaving the loop or aborting `signal` stops
   * the polling, a request in flight included; an abort rejects with the signal's reason.
   */
  watch(executionId: string, options?: WatchCallOptions): AsyncIterable<Execution.Detail>
  /**
   * The execution once it has ended (check its `status`). Rejects with `WaitTimeout` when it has
   * not ended within `timeout` (default 5 minutes), with the signal's reason when `signal` aborts.
   */
  waitFor(executionId: string, options?: WaitCallOptions): Promise<Execution.Detail>
  /** One page of a batch node's batches. */
  batches(executionId: string, nodeId: string, params?: BatchParams, options?: CallOptions): Promise<Batch.BatchPage>
  /** Every batch of a batch node, page after page. */
  iterateBatches(executionId: string, nodeId: string, params?: BatchParams, options?: CallOptions): AsyncIterable<Batch.Batch>
}

/** The workflows of the linked account. */
export interface WorkflowsClient {
  /**
   * Runs a published workflow; see `Workflows.execute`. With `sync: true`, the synchronous result
   * (`return_value`, `errored`, …); otherwise the new execution's `execution_id`, always there.
   */
  execute(workflowId: string, options: SyncExecuteOptions & CallOptions): Promise<Execute.Result>
  execute(workflowId: string, options: AsyncExecuteOptions & CallOptions): Promise<Execute.Started>
  execute(workflowId: string, options: ExecuteOptions & CallOptions): Promise<Execute.Result>
}

/** A client of the Refold API. */
export interface RefoldClient extends AsyncDisposable {
  readonly executions: ExecutionsClient
  readonly workflows: WorkflowsClient
  /** Interrupts calls in flight and releases the client; later calls reject. */
  close(): Promise<void>
}

/**
 * An option refused, as the client throws it: typed, naming where it was given (`createRefoldClient`
 * or the call, such as `executions.list`) and the value, never showing a secret.
 */
const invalid = (where: string, parameter: string, error: ConfigError.ConfigError | string) =>
  new InvalidArgument({ parameter, message: `${where}: ${describe(error)}` })

/** The option each `REFOLD_*` variable sets, to name it in errors. */
const optionOfVariable: ReadonlyMap<string, string> = new Map(
  [...Object.entries(RefoldConfig.variables), ...Object.entries(RefoldAuth.variables)].map(([option, variable]) => [variable, option])
)

/** A `ConfigError` in one line: the option or variable it names, and why. */
const describe = (error: ConfigError.ConfigError | string): string =>
  typeof error === "string"
    ? error
    : error._op === "InvalidData" && error.path.length === 1
    ? `Invalid ${optionOfVariable.has(error.path[0]!) ? "environment variable" : "option"} "${error.path[0]}": ${error.message}`
    : error._op === "MissingData"
    // Its message names what to set (`No Refold credentials: set REFOLD_API_KEY …`).
    ? error.message
    : String(error)

const given = <A>(value: A | undefined) => (value === undefined ? undefined : Config.succeed(value))

/**
 * The credentials: as given, else from the environment, option by option as openai-node reads
 * them. An `apiKey` without a `linkedAccountId` takes `REFOLD_LINKED_ACCOUNT_ID`; with neither
 * `apiKey` nor `sessionToken`, both come from `REFOLD_*`. Both at once are refused: which one
 * was meant cannot be guessed; so is a `linkedAccountId` with a session token (its account is fixed).
 */
const credentialsOf = (options: ClientOptions): Auth.Credentials => {
  const { apiKey, linkedAccountId, sessionToken } = options
  if (apiKey !== undefined && sessionToken !== undefined) {
    throw invalid("createRefoldClient", "credentials", Auth.bothCredentials)
  }
  if (sessionToken !== undefined) {
    if (linkedAccountId !== undefined) throw invalid("createRefoldClient", "linkedAccountId", Auth.tokenAccount(linkedAccountId))
    const token = Auth.sessionToken(sessionToken)
    if (Either.isLeft(token)) throw invalid("createRefoldClient", "sessionToken", token.left)
    return token.right
  }
  if (apiKey !== undefined) {
    const variable = RefoldAuth.variables.linkedAccountId
    const account = linkedAccountId ?? Effect.runSync(Effect.orDie(Config.option(Config.string(variable)))).pipe(Option.getOrUndefined)
    const key = Auth.apiKey({ apiKey, linkedAccountId: account })
    if (Either.isLeft(key)) {
      const fromEnv = linkedAccountId === undefined && key.left._op === "InvalidData" && key.left.path[0] === "linkedAccountId"
      throw fromEnv
        ? invalid("createRefoldClient", "linkedAccountId", `${variable} must be a non-empty string of printable ASCII without line breaks`)
        : invalid("createRefoldClient", key.left._op === "InvalidData" ? key.left.path[0] ?? "apiKey" : "apiKey", key.left)
    }
    return key.right
  }
  const result = Effect.runSync(Effect.either(RefoldAuth.config({ linkedAccountId: given(linkedAccountId) })))
  if (Either.isLeft(result)) throw invalid("createRefoldClient", "credentials", result.left)
  return result.right
}

/** The settings: those given, the others from the environment or their defaults. */
const settingsOf = (options: RefoldConfig.Options): RefoldConfig.Settings => {
  // Those given are checked first, so that the error names the option rather than a variable.
  const checked = RefoldConfig.make(options)
  if (Either.isLeft(checked)) throw invalid("createRefoldClient", optionOf(checked.left), checked.left)
  const result = Effect.runSync(Effect.either(RefoldConfig.config(Configs.each(options))))
  if (Either.isLeft(result)) throw invalid("createRefoldClient", optionOf(result.left), result.left)
  return result.right
}

/** The option a `ConfigError` of `RefoldConfig.make` names. */
const optionOf = (error: ConfigError.ConfigError): string => {
  const named = error._op === "InvalidData" ? error.path[0] : undefined
  return named === undefined ? "options" : optionOfVariable.get(named) ?? named
}

/** A call's settings instead of the client's, checked like them; `name` is the call's, for errors. */
const overridesOf = (name: string, options: CallOptions | undefined): Partial<RefoldConfig.Settings> | undefined => {
  if (options?.timeout === undefined && options?.maxRetries === undefined) return undefined
  const checked = RefoldConfig.make({ timeout: options.timeout, maxRetries: options.maxRetries })
  if (Either.isLeft(checked)) throw invalid(name, optionOf(checked.left), checked.left)
  return {
    ...(options.timeout === undefined ? {} : { timeout: checked.right.timeout }),
    // A call's retries replace the client's policy, its `retrySchedule` included (which would
    // otherwise outrank `maxRetries`).
    ...(options.maxRetries === undefined ? {} : { maxRetries: checked.right.maxRetries, retrySchedule: undefined })
  }
}

/**
 * The per-call options of `watch` and `waitFor`: no per-attempt `timeout` (the client's applies),
 * even from a caller outside TypeScript that passes one where `waitFor` reads its own.
 */
const withoutTimeout = ({ linkedAccountId, maxRetries, signal }: Omit<CallOptions, "timeout">): CallOptions => ({ linkedAccountId, maxRetries, signal })

/**
 * A call's `signal`, checked: anything with `aborted` and `addEventListener` (the platform's
 * `AbortSignal`, or a polyfill's, which may lack `throwIfAborted`); anything else is refused by name.
 */
const signalOf = (name: string, options: CallOptions | undefined): AbortSignal | undefined => {
  const signal: unknown = options?.signal
  if (signal === undefined) return undefined
  const candidate = signal as Partial<AbortSignal> | null
  if (typeof signal === "object" && candidate !== null && typeof candidate.aborted === "boolean" && typeof candidate.addEventListener === "function") {
    return signal as AbortSignal
  }
  throw invalid(name, "signal", `signal must be an AbortSignal, got ${kindOf(signal)}`)
}

const closedError = (inFlight: boolean) =>
  new ClientClosed({
    inFlight,
    message: inFlight ? "RefoldClient was closed while the call was in flight" : "RefoldClient is closed: create a new client"
  })

const rejection = (cause: Cause.Cause<unknown>, signal: AbortSignal | undefined, closed: boolean): unknown =>
  signal?.aborted
    ? signal.reason
    : closed && Cause.isInterruptedOnly(cause)
    ? closedError(true)
    : Cause.squash(cause)

/**
 * Creates a client. Credentials and options are checked at once: a malformed one throws
 * `InvalidArgument` naming it (never showing a secret). Call {@link RefoldClient.close} when done,
 * or declare it with `await using`.
 */
export const createRefoldClient = (options: ClientOptions = {}): RefoldClient => {
  // From JavaScript: named at once, not a TypeError here nor a fetch failing every request later.
  if (typeof options !== "object" || options === null) throw invalid("createRefoldClient", "options", `options must be an object, got ${kindOf(options)}`)
  const { apiKey, fetch, linkedAccountId, sessionToken, ...configOptions } = options
  if (fetch !== undefined && typeof fetch !== "function") throw invalid("createRefoldClient", "fetch", `fetch must be a function, got ${kindOf(fetch)}`)
  const auth = credentialsOf({ apiKey, linkedAccountId, sessionToken })
  const settings = settingsOf(configOptions)
  const http = fetch === undefined ? FetchHttpClient.layer : Layer.provide(FetchHttpClient.layer, Layer.succeed(FetchHttpClient.Fetch, fetch))
  const runtime = ManagedRuntime.make(
    Layer.merge(Executions.layer, Workflows.layer).pipe(
      Layer.provide([Layer.succeed(RefoldAuth.RefoldAuth, auth), Layer.succeed(RefoldConfig.RefoldConfig, settings), http])
    )
  )
  let closed = false
  const running = new Set<Fiber.RuntimeFiber<unknown, unknown>>()
  const ensureOpen = () => {
    if (closed) throw closedError(false)
  }

  /** Runs an effect on the client's runtime until it ends, `signal` aborts or the client closes. */
  const run = async <A, E>(effect: Effect.Effect<A, E, Executions | Workflows>, signal: AbortSignal | undefined): Promise<Exit.Exit<A, E>> => {
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

  /**
   * The account a call acts on (`undefined`: the credentials' own), checked before anything is
   * sent, with the Promise client's remedies when there is none.
   */
  const accountOf = (name: string, options: CallOptions | undefined): string | undefined => {
    const account = options?.linkedAccountId
    if (account !== undefined) {
      const problem = auth._tag === "SessionToken" ? Auth.tokenAccount(account) : Auth.checkAccount(account)
      if (problem !== undefined) throw invalid(name, "linkedAccountId", problem)
    } else if (auth._tag === "ApiKey" && auth.linkedAccountId === undefined) {
      throw invalid(
        name,
        "linkedAccountId",
        `No linked account to act on: give createRefoldClient a linkedAccountId (or set ${RefoldAuth.variables.linkedAccountId}), or pass { linkedAccountId } to this call`
      )
    }
    return account
  }
  /** The service a call uses, with its account. */
  const serviceFor = (name: string, options: CallOptions | undefined): Effect.Effect<Service, never, Executions> => {
    const account = accountOf(name, options)
    return account === undefined ? Executions : Effect.map(Executions, (service) => service.forAccount(account))
  }
  const withOverrides = <A, E, R>(name: string, effect: Effect.Effect<A, E, R>, options: CallOptions | undefined) => {
    const overrides = overridesOf(name, options)
    return overrides === undefined ? effect : Effect.locally(effect, Overrides.current, overrides)
  }

  const call = async <A>(name: string, f: (service: Service) => Effect.Effect<A, AnyRefoldError>, options: CallOptions | undefined): Promise<A> => {
    ensureOpen()
    const signal = signalOf(name, options)
    if (signal?.aborted) throw signal.reason
    const exit = await run(withOverrides(name, Effect.flatMap(serviceFor(name, options), f), options), signal)
    if (Exit.isSuccess(exit)) return exit.value
    throw rejection(exit.cause, signal, closed)
  }

  const walk = <A>(
    name: string,
    f: (service: Service) => Stream.Stream<A, AnyRefoldError>,
    callOptions: CallOptions = {}
  ): AsyncIterable<A> => ({
    [Symbol.asyncIterator]: () => {
      ensureOpen()
      const signal = signalOf(name, callOptions)
      // Checked first: a refused account or option throws before anything is set up.
      const stream = Stream.unwrap(Effect.map(serviceFor(name, callOptions), f))
      overridesOf(name, callOptions)
      const scope = Effect.runSync(Scope.make())
      let pull: Effect.Effect<Chunk.Chunk<A>, Option.Option<AnyRefoldError>, Executions> | undefined
      let buffer: ReadonlyArray<A> = []
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

      const pullOnce = withOverrides(
        name,
        Effect.suspend(() =>
          pull !== undefined
            ? pull
            : Stream.toPull(stream).pipe(
              Scope.extend(scope),
              Effect.tap((p) => {
                pull = p
              }),
              Effect.flatten
            )
        ),
        callOptions
      )

      const next = async (): Promise<IteratorResult<A>> => {
        while (!done) {
          if (signal?.aborted || closed) {
            await finish()
            throw signal?.aborted ? signal.reason : closedError(false)
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

  const close = async () => {
    closed = true
    await Effect.runPromise(Fiber.interruptAll(running))
    await runtime.dispose()
  }
  return {
    executions: {
      list: (params, callOptions) => call("executions.list", (service) => service.list(params), callOptions),
      get: (executionId, callOptions) => call("executions.get", (service) => service.get(executionId), callOptions),
      iterate: (params, callOptions) => walk("executions.iterate", (service) => service.stream(params), callOptions),
      pages: (params, callOptions) => walk("executions.pages", (service) => service.pages(params), callOptions),
      stop: (executionId, callOptions) => call("executions.stop", (service) => service.stop(executionId), callOptions),
      rerun: (executionId, callOptions) => call("executions.rerun", (service) => service.rerun(executionId), callOptions),
      watch: (executionId, { interval, ...callOptions } = {}) =>
        walk("executions.watch", (service) => service.watch(executionId, { interval }), withoutTimeout(callOptions)),
      waitFor: (executionId, { interval, timeout, ...callOptions } = {}) =>
        call("executions.waitFor", (service) => service.waitFor(executionId, { interval, timeout }), withoutTimeout(callOptions)),
      batches: (executionId, nodeId, params, callOptions) => call("executions.batches", (service) => service.batches(executionId, nodeId, params), callOptions),
      iterateBatches: (executionId, nodeId, params, callOptions) =>
        walk("executions.iterateBatches", (service) => service.batchStream(executionId, nodeId, params), callOptions)
    },
    workflows: {
      // The overloads narrow the answer by `options.sync`, as `Workflows.execute` does.
      // Options left out (from JavaScript) are refused by `Workflows.execute` as the missing `slug`.
      execute: (async (workflowId: string, given: ExecuteOptions & CallOptions | undefined) => {
        const { linkedAccountId, maxRetries, signal, timeout, ...options } = given ?? ({} as ExecuteOptions & CallOptions)
        ensureOpen()
        const callOptions = { linkedAccountId, maxRetries, signal: signalOf("workflows.execute", { signal }), timeout }
        if (callOptions.signal?.aborted) throw callOptions.signal.reason
        const account = accountOf("workflows.execute", callOptions)
        const effect = Effect.flatMap(Workflows, (service) => (account === undefined ? service : service.forAccount(account)).execute(workflowId, options))
        const exit = await run(withOverrides("workflows.execute", effect, callOptions), signal)
        if (Exit.isSuccess(exit)) return exit.value
        throw rejection(exit.cause, signal, closed)
      }) as WorkflowsClient["execute"]
    },
    close,
    [Symbol.asyncDispose]: close
  }
}
