/**
 * How the CLI ends when something goes wrong: its own errors (an execution that did not complete, a
 * watch that ran out of time), one clear message per SDK error tag, and the exit code of each.
 *
 * Messages are built from the errors' fields only (status, vendor code and message, request id,
 * URL, durations); credentials never appear in any of them, since the SDK keeps them in headers and
 * `Redacted` values.
 *
 * @since 0.1.0
 */
import type { ValidationError } from "@effect/cli"
import {
  type BadRequest,
  type InvalidArgument,
  type NoProgress,
  type WaitTimeout,
  type ResponseTooLarge,
  type DecodeError,
  type Forbidden,
  type NotFound,
  type RateLimited,
  type RefoldError,
  type ServerError,
  type Timeout,
  type TransportError,
  type Unauthorized
} from "@refold-effect/sdk"
import { ConfigError, Console, Duration, Effect, Schema } from "effect"

/** The exit codes of `refold-executions`, as documented in its README. */
export const ExitCode = {
  /** Done; for `watch` and `run`, the execution COMPLETED. */
  ok: 0,
  /** `watch`, `run`: the execution ended ERRORED, STOPPED or TIMED_OUT. */
  executionFailed: 1,
  /** Bad flags or arguments, missing or invalid configuration: fix the command line or environment. */
  usage: 2,
  /** The API could not be used: rejected credentials, not found, rate limits, outages, timeouts. */
  api: 3,
  /** `watch`, `run`: `--timeout` ran out before the execution ended (as `timeout(1)`). */
  watchTimedOut: 124,
  /** Ctrl-C (SIGINT) stopped the command, as a shell reports it (128 + 2). */
  interrupted: 130
} as const

/**
 * Says on stderr why the command stops when Ctrl-C interrupts `self` (the process then exits
 * {@link ExitCode.interrupted}): without it, the command would end silently mid-output.
 */
export const onInterrupt = (message: string) => <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.onInterrupt(self, () => Console.error(message))

/** `watch`: the execution reached a terminal status other than `COMPLETED`. */
export class ExecutionFailed extends Schema.TaggedError<ExecutionFailed>()("ExecutionFailed", {
  executionId: Schema.String,
  status: Schema.String,
  /** The failed node and its error, when one says why. */
  reason: Schema.optional(Schema.String)
}) {}

/** `watch`: `--timeout` ran out while the execution was still going. */
export class WatchTimedOut extends Schema.TaggedError<WatchTimedOut>()("WatchTimedOut", {
  executionId: Schema.String,
  timeout: Schema.DurationFromSelf,
  /** The last status seen, if any snapshot arrived. */
  status: Schema.optional(Schema.String),
  percent: Schema.optional(Schema.Number)
}) {}

/** `run`: the API accepted the execute request but named no execution to follow. */
export class NotStarted extends Schema.TaggedError<NotStarted>()("NotStarted", {
  workflowId: Schema.String,
  /** The API's `message`, if any. */
  message: Schema.optional(Schema.String)
}) {}

/** Everything a command can fail with. */
export type CliError =
  | RefoldError
  | ConfigError.ConfigError
  | ValidationError.ValidationError
  | ExecutionFailed
  | WatchTimedOut
  | NotStarted

/** What the CLI prints for a failure (nothing when the message was already shown) and its exit code. */
export interface Outcome {
  readonly message: string | undefined
  readonly exitCode: number
}

const requestId = (error: { readonly requestId?: string | undefined }) =>
  error.requestId === undefined ? "" : ` (request id ${error.requestId})`

const vendor = (error: { readonly message: string; readonly errorCode?: string | undefined }) =>
  error.errorCode === undefined ? error.message : `${error.message} [${error.errorCode}]`

const seconds = (d: Duration.Duration) => Duration.format(d)

/** The execution id of a `GET /execution/:id` URL, if it is one. */
const executionIdOf = (url: string | undefined): string | undefined => {
  const match = url === undefined ? null : /\/api\/v2\/public\/execution\/([^/?#]+)/.exec(url)
  return match === null ? undefined : decodeURIComponent(match[1]!)
}

/** The workflow id of a `POST /workflow/:id/execute` URL, if it is one. */
const workflowIdOf = (url: string | undefined): string | undefined => {
  const match = url === undefined ? null : /\/api\/v2\/public\/workflow\/([^/?#]+)\/execute(?:[?#]|$)/.exec(url)
  return match === null ? undefined : decodeURIComponent(match[1]!)
}

const credentials = "Check REFOLD_API_KEY and REFOLD_LINKED_ACCOUNT_ID (or REFOLD_SESSION_TOKEN)"

/** One message per SDK error tag. */
const refold: { readonly [E in RefoldError as E["_tag"]]: (error: E) => string } = {
  // Nothing was sent: the SDK's message names the parameter it rejected. A missing linked account
  // is this CLI's configuration (its variables), not the SDK's remedies (RefoldAuth.apiKey, forAccount).
  InvalidArgument: (e: InvalidArgument) =>
    e.parameter === "linkedAccountId"
      ? "Configuration error: REFOLD_API_KEY is set but REFOLD_LINKED_ACCOUNT_ID is not: set it to the linked account to act on (or use REFOLD_SESSION_TOKEN instead)."
      : e.message,
  BadRequest: (e: BadRequest) => `Bad request (${e.status}): ${vendor(e)}${requestId(e)}`,
  ResponseTooLarge: (e: ResponseTooLarge) => `The API's answer was too large: ${e.message}`,
  NoProgress: (e: NoProgress) => `The listing made no progress: ${e.message}`,
  Unauthorized: (e: Unauthorized) => `Unauthorized (401): ${vendor(e)}. ${credentials}.${requestId(e)}`,
  Forbidden: (e: Forbidden) =>
    `Forbidden (403): ${vendor(e)}. The credentials are valid but may not read this linked account's executions; ${credentials}.${requestId(e)}`,
  NotFound: (e: NotFound) => {
    const id = executionIdOf(e.url)
    if (id !== undefined) {
      return `Not found (404): execution ${id} does not exist in this linked account. Check the id and REFOLD_LINKED_ACCOUNT_ID.${requestId(e)}`
    }
    // `run`: the route exists; it is the workflow (or its application slug) this account cannot run.
    const workflow = workflowIdOf(e.url)
    return workflow === undefined
      ? `Not found (404): ${vendor(e)} at ${e.url ?? "the API"}. Check REFOLD_BASE_URL.${requestId(e)}`
      : `Not found (404): ${vendor(e)}. Check the workflow id ${workflow}, --slug and REFOLD_LINKED_ACCOUNT_ID: this linked account has no such workflow to run.${requestId(e)}`
  },
  RateLimited: (e: RateLimited) =>
    `Rate limited (429): the API is throttling requests and the retries ran out. ${
      e.retryAfter === undefined ? "Try again later" : `It asked to retry after ${seconds(e.retryAfter)}`
    }.${requestId(e)}`,
  ServerError: (e: ServerError) =>
    `Server error (${e.status}): ${vendor(e)}. The Refold API is failing; the request was retried without success. Try again later${
      e.retryAfter === undefined ? "" : ` (it asked to retry after ${seconds(e.retryAfter)})`
    }.${requestId(e)}`,
  Timeout: (e: Timeout) =>
    e.kind === "attempt"
      ? `Timeout: no answer from ${e.url ?? "the API"} within ${seconds(e.timeout)} (REFOLD_TIMEOUT), on every attempt.`
      : `Timeout: gave up after ${seconds(e.timeout)} (REFOLD_DEADLINE) of attempts and retries on ${e.url ?? "the API"}.`,
  TransportError: (e: TransportError) =>
    `Cannot reach the Refold API${e.url === undefined ? "" : ` at ${e.url}`}: ${e.message}. Check REFOLD_BASE_URL and the network.`,
  DecodeError: (e: DecodeError) =>
    `Unexpected response (${e.status}): the body does not match the API contract: ${e.message}${requestId(e)}`,
  // The SDK's `waitFor` (not used by `watch`, which has --timeout): said as `watch` says it.
  WaitTimeout: (e: WaitTimeout) =>
    `Gave up after ${seconds(e.timeout)}: execution ${e.executionId} is still ${
      e.status === undefined ? "unknown (no answer yet)" : `${e.status}${e.completionPercentage === undefined ? "" : ` (${e.completionPercentage}%)`}`
    }.`
}

const configMessages = (error: ConfigError.ConfigError): ReadonlyArray<string> =>
  ConfigError.reduceWithContext(error, undefined, {
    andCase: (_, left: ReadonlyArray<string>, right: ReadonlyArray<string>) => [...left, ...right],
    orCase: (_, left, right) => [...left, ...right],
    invalidDataCase: (_, path, message) => [path.length === 0 ? message : `${path.join(".")}: ${message}`],
    missingDataCase: (_, path, message) => [path.length === 0 ? message : `${path.join(".")}: ${message}`],
    sourceUnavailableCase: (_, path, message) => [`${path.join(".")}: ${message}`],
    unsupportedCase: (_, path, message) => [`${path.join(".")}: ${message}`]
  })

const isRefold = (error: CliError): error is RefoldError => "_tag" in error && error._tag in refold

/** The message and exit code of a failure. */
export const describe = (error: CliError): Outcome => {
  if (ConfigError.isConfigError(error)) {
    return { message: `Configuration error: ${[...new Set(configMessages(error))].join("; ")}`, exitCode: ExitCode.usage }
  }
  if (isRefold(error)) {
    const message = (refold[error._tag] as (e: RefoldError) => string)(error)
    const usage = error._tag === "InvalidArgument"
    return { message, exitCode: usage ? ExitCode.usage : error._tag === "WaitTimeout" ? ExitCode.watchTimedOut : ExitCode.api }
  }
  switch (error._tag) {
    case "ExecutionFailed":
      return {
        message: `Execution ${error.executionId} ended ${error.status}${error.reason === undefined ? "" : `: ${error.reason}`}.`,
        exitCode: ExitCode.executionFailed
      }
    case "WatchTimedOut":
      return {
        message: `Gave up after ${seconds(error.timeout)} (--timeout): execution ${error.executionId} is still ${
          error.status === undefined ? "unknown (no answer yet)" : `${error.status}${error.percent === undefined ? "" : ` (${error.percent}%)`}`
        }.`,
        exitCode: ExitCode.watchTimedOut
      }
    case "NotStarted":
      return {
        message: `Workflow ${error.workflowId}: the API answered without an execution_id to follow${
          error.message === undefined ? "" : ` (${JSON.stringify(error.message)})`
        }.`,
        exitCode: ExitCode.api
      }
    default:
      // @effect/cli has already printed what was wrong with the command line, and its usage.
      return { message: undefined, exitCode: ExitCode.usage }
  }
}

/**
 * Runs a command to its exit code: 0 when it succeeds, else the failure's message on stderr and
 * its {@link ExitCode}.
 */
export const exitCode = <R>(program: Effect.Effect<void, CliError, R>): Effect.Effect<number, never, R> =>
  program.pipe(
    Effect.as(ExitCode.ok as number),
    Effect.catchAll((error) => {
      const { exitCode, message } = describe(error)
      return message === undefined ? Effect.succeed(exitCode) : Effect.as(Console.error(message), exitCode)
    })
  )
