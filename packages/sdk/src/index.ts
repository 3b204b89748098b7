/**
 * `@refold-effect/sdk`: the Refold (formerly Cobalt) public execution API for Effect.
 *
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Executions } from "@refold-effect/sdk"
 * import { Effect, Layer, Stream } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const executions = yield* Executions
 *   return yield* Stream.runCollect(executions.stream({ status: "ERRORED" }).pipe(Stream.take(5)))
 * })
 * Effect.runPromise(program.pipe(Effect.provide(Executions.layerConfig().pipe(Layer.provide(FetchHttpClient.layer)))))
 * ```
 *
 * @since 0.1.0
 */

/** The executions service, its layers and operations. */
export {
  type ConfigOptions as ExecutionsConfigOptions,
  type LayerConfigOptions as ExecutionsLayerConfigOptions,
  type Options as ExecutionsOptions,
  defaultReadAhead,
  type BatchParams,
  Executions,
  make,
  type Service as ExecutionsService,
  type WaitOptions,
  type WalkParams,
  watchDefaults,
  type WatchOptions
} from "./Executions.js"

/** Running workflows. */
export { type AsyncExecuteOptions, type ExecuteOptions, make as makeWorkflows, type SyncExecuteOptions, type Service as WorkflowsService, Workflows } from "./Workflows.js"

/** Credentials as a service: API key + linked account, or session token. */
export {
  type ConfigOptions as RefoldAuthConfigOptions,
  type Credentials,
  type LayerConfigOptions as RefoldAuthLayerConfigOptions,
  type Options as RefoldAuthOptions,
  RefoldAuth
} from "./RefoldAuth.js"

/** Base URL, timeouts and retry settings as a service. */
export {
  type ConfigOptions as RefoldConfigConfigOptions,
  type LayerConfigOptions as RefoldConfigLayerConfigOptions,
  RefoldConfig,
  type Options as RefoldConfigOptions,
  type Settings as RefoldSettings
} from "./RefoldConfig.js"

/** The errors, one class per tag, and their union. */
export {
  BadRequest,
  DecodeError,
  Forbidden,
  InvalidArgument,
  isRefoldError,
  isRetryable,
  isTransient,
  NoProgress,
  NotFound,
  RateLimited,
  RefoldError,
  ResponseTooLarge,
  ServerError,
  Timeout,
  TransportError,
  Unauthorized,
  WaitTimeout
} from "./RefoldError.js"

/** Verifying and decoding webhook deliveries: `Webhooks.verify`, `Webhooks.decode`, `Webhooks.receive`. */
export * as Webhooks from "./Webhooks.js"

/** List parameters and their encoding. */
export { type DateBound, type ListParams } from "./ListParams.js"

/** The contract's wire types, re-exported for signatures in user code. */
export { Batch, Control, Execute, Execution, Page } from "@refold-effect/contract"
