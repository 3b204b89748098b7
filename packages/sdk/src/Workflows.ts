/**
 * The workflows of a linked account: run one (`POST /api/v2/public/workflow/:workflow_id/execute`)
 * as a manual trigger, asynchronously (the new execution's id) or synchronously (its result).
 *
 * @since 0.1.0
 */
import type { HttpClient } from "@effect/platform"
import { Execute, RefoldApi } from "@refold-effect/contract"
import { type ConfigError, Context, Effect, Either, Layer } from "effect"
import { checkId, configLayers, type LayerConfigOptions, untraced } from "./Executions.js"
import * as Auth from "./internal/auth.js"
import * as Transport from "./internal/transport.js"
import type { RefoldAuth } from "./RefoldAuth.js"
import type { RefoldConfig } from "./RefoldConfig.js"
import { InvalidArgument, type RefoldError } from "./RefoldError.js"

/** Options of {@link Service.execute}. */
export interface ExecuteOptions {
  /** The slug of the application the workflow belongs to (`hubspot`); required by the API. */
  readonly slug: string
  /** The trigger payload, sent as the body `{ "payload": … }` (default: `{}`). */
  readonly payload?: Readonly<Record<string, unknown>> | undefined
  /** `true`: run synchronously and answer with the result (`return_value`, `errored`, …). */
  readonly sync?: boolean | undefined
  /** A tag stored on the new execution. */
  readonly instanceTag?: string | undefined
  /** The config to run with. */
  readonly configId?: string | undefined
}

/** Options of an asynchronous run: `sync` left out or `false`. */
export interface AsyncExecuteOptions extends ExecuteOptions {
  readonly sync?: false | undefined
}

/** Options of a synchronous run: `sync: true`. */
export interface SyncExecuteOptions extends ExecuteOptions {
  readonly sync: true
}

/**
 * The operations of the service. `execute`'s answer depends on `sync`, as openai-node's `create`
 * on `stream`: without `sync: true` it is `Execute.Started` (`execution_id` required), with it
 * `Execute.Result` (the synchronous result; every field optional), and for a `sync` only known to
 * be a boolean, `Execute.Result`.
 */
export interface Service {
  /**
   * Runs a published workflow: asynchronously, the new execution's id (`execution_id`, always
   * there: an answer without one fails with `DecodeError`); with `sync: true`, its result
   * (`return_value`, `errored`, …). Parameters refused before sending fail with `InvalidArgument`,
   * a 400 (`Workflow ID and slug are required`) with `BadRequest`. A `POST`: retried only after a
   * 429 or a refused connection, never after a failure that may have started the workflow.
   */
  readonly execute: {
    (workflowId: string, options: SyncExecuteOptions): Effect.Effect<Execute.Result, RefoldError>
    (workflowId: string, options: AsyncExecuteOptions): Effect.Effect<Execute.Started, RefoldError>
    (workflowId: string, options: ExecuteOptions): Effect.Effect<Execute.Result, RefoldError>
  }
  /**
   * The same on behalf of another linked account (same org API key). With a session token, whose
   * account is fixed, each call fails with `InvalidArgument` before anything is sent.
   */
  readonly forAccount: (linkedAccountId: string) => Service
}

const headersOf = (options: ExecuteOptions): Either.Either<Record<string, string>, InvalidArgument> => {
  const headers: Record<string, string> = {}
  const fields = [
    ["slug", "slug", options?.slug],
    ["instance_tag", "instanceTag", options?.instanceTag],
    ["config_id", "configId", options?.configId]
  ] as const
  for (const [header, parameter, value] of fields) {
    if (value === undefined && parameter !== "slug") continue
    const problem = Auth.checkHeader(parameter, value)
    if (problem !== undefined) return Either.left(new InvalidArgument({ parameter, message: problem }))
    headers[header] = value!
  }
  if (options.sync !== undefined) {
    if (typeof options.sync !== "boolean") {
      return Either.left(new InvalidArgument({ parameter: "sync", message: `sync must be a boolean, got ${JSON.stringify(options.sync)}` }))
    }
    headers.sync_execution = String(options.sync)
  }
  return Either.right(headers)
}

/** The request body `{ payload }` as JSON; a payload JSON cannot hold (a `BigInt`, a cycle) is refused, naming it. */
const serialise = (payload: object): Either.Either<string, InvalidArgument> =>
  Either.try({
    try: () => JSON.stringify({ payload }),
    catch: (e) => new InvalidArgument({ parameter: "payload", message: `payload must be serialisable as JSON: ${e instanceof Error ? e.message : String(e)}` })
  })

const service = (transport: Transport.Transport, account: string | undefined): Service => {
  const decodeResult = Transport.decoder(Execute.Result)
  // An asynchronous run's answer must carry the id the type promises.
  const decodeStarted = Transport.decoder(Execute.Started)
  const execute = (workflowId: string, options: ExecuteOptions): Effect.Effect<Execute.Result, RefoldError> =>
    Effect.gen(function*() {
      const id = yield* checkId("workflowId", workflowId)
      const headers = yield* headersOf(options)
      const payload = options.payload ?? {}
      if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
        return yield* new InvalidArgument({ parameter: "payload", message: "payload must be a JSON object" })
      }
      const body = yield* serialise(payload)
      const path = RefoldApi.executePath.replace(":workflow_id", Transport.segment(id))
      const decoder: Transport.Decoder<Execute.Result> = options.sync === true ? decodeResult : decodeStarted
      return yield* transport.request({ method: "POST", path, body, headers, decoder, account })
    }).pipe(Effect.withSpan("Workflows.execute", { ...untraced, attributes: { "refold.workflow_id": workflowId } }))
  // The overloads of `Service.execute` narrow what this one function answers by `options.sync`.
  return { execute: execute as Service["execute"], forAccount: (linkedAccountId) => service(transport, linkedAccountId) }
}

/** Builds the service from the credentials, the settings and the application's `HttpClient`. */
export const make: Effect.Effect<Service, never, RefoldAuth | RefoldConfig | HttpClient.HttpClient> = Effect.map(
  Transport.make,
  (transport) => service(transport, undefined)
)

/**
 * The workflows of the linked account that `RefoldAuth` selects. Provide {@link Workflows.layer}
 * with `RefoldAuth`, `RefoldConfig` and an `HttpClient`, or {@link Workflows.layerConfig}, as for
 * `Executions`.
 */
export class Workflows extends Context.Tag("@refold-effect/sdk/Workflows")<Workflows, Service>() {
  /**
   * Builds the service from `RefoldAuth`, `RefoldConfig` and an `HttpClient`, for your own layers
   * (`Layer.effect(Workflows, Workflows.make)`); the same as the module's {@link make}.
   */
  static readonly make: Effect.Effect<Service, never, RefoldAuth | RefoldConfig | HttpClient.HttpClient> = make

  /** The service, from `RefoldAuth`, `RefoldConfig` and an `HttpClient`. */
  static readonly layer: Layer.Layer<Workflows, never, RefoldAuth | RefoldConfig | HttpClient.HttpClient> = Layer.effect(Workflows, make)

  /**
   * The service with credentials and settings from `Config`, as `Executions.layerConfig`: the ones
   * given as `Config`s (one per option, or one `Config` of them all), the rest from the `REFOLD_*`
   * variables. Still needs an `HttpClient`.
   */
  static readonly layerConfig = (options: LayerConfigOptions = {}): Layer.Layer<Workflows, ConfigError.ConfigError, HttpClient.HttpClient> =>
    Workflows.layer.pipe(Layer.provide(configLayers(options)))

  /** The service acting on another linked account: `yield* Workflows.forAccount("acme")`, as `Executions.forAccount`. */
  static readonly forAccount = (linkedAccountId: string): Effect.Effect<Service, never, Workflows> =>
    Effect.map(Workflows, (service) => service.forAccount(linkedAccountId))
}
