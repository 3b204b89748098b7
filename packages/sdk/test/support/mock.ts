/**
 * The mock behind the SDK in tests, in-process (`MockHttpClient`-style fetch, no socket) or over real
 * TCP (`serve`), with every request counted (also those in flight at once), a hook to hold some of
 * them forever and one to act before the mock answers (wait, change its data, ask for a scenario).
 */
import { FetchHttpClient } from "@effect/platform"
import { DataSet } from "@refold-effect/fixtures"
import { createMockApp, type MockApp, type MockOptions, serve } from "@refold-effect/mock"
import { Effect, Layer, type Scope } from "effect"
import { Executions, type RefoldAuth, RefoldConfig, Workflows } from "../../src/index.js"
import { apiKeyAuth, type Client, clientLayer, fast, type TestOptions } from "./layers.js"

/** How the SDK reaches the mock. */
export type Transport = "in-process" | "tcp"

/** Both, for suites that must pass over each. */
export const transports: ReadonlyArray<Transport> = ["in-process", "tcp"]

/** A running mock and what tests observe of it. */
export interface Running {
  readonly mock: MockApp
  readonly url: string
  /** URLs requested so far (path and query). */
  readonly requests: ReadonlyArray<string>
  /** Requests whose caller aborted them before the answer. */
  readonly aborted: () => number
  /** Requests received and not yet answered or aborted. */
  readonly inFlight: () => number
  /** The most requests that were in flight at once. */
  readonly maxInFlight: () => number
  /** The SDK over this mock. */
  readonly executions: (auth?: Layer.Layer<RefoldAuth, unknown>, options?: TestOptions) => Layer.Layer<Executions>
  /** `Executions` and `Workflows` over this mock. */
  readonly sdk: (auth?: Layer.Layer<RefoldAuth, unknown>, options?: TestOptions) => Layer.Layer<Executions | Workflows>
}

/** Options of {@link start}. */
export interface StartOptions extends MockOptions {
  /** Requests whose URL this matches are never answered (until aborted). */
  readonly hold?: ((url: URL) => boolean) | undefined
  /**
   * Runs when a request is received, before the mock answers it: it may wait (other requests go
   * on meanwhile), insert executions into `mock.store`, or return the URL to ask the mock instead,
   * such as one with a scenario (`__delay=20`, `__code=400`).
   */
  readonly before?: ((url: URL) => Promise<URL | void> | URL | void) | undefined
  /** Runs once the mock has answered a request (as received, before `before` changed it). */
  readonly after?: ((url: URL, response: Response) => void) | undefined
}

/** The bundled data set, loaded and validated once for the whole file rather than per mock. */
let bundled: ReturnType<typeof DataSet.bundled> | undefined

/** Starts the mock for the scope. */
export const start = (transport: Transport, options: StartOptions = {}): Effect.Effect<Running, never, Scope.Scope> =>
  Effect.gen(function*() {
    bundled ??= DataSet.bundled()
    // A manual clock unless a test asks otherwise: these tests compare answers with the data set,
    // which would otherwise move as its running executions advance.
    // `hold`, `before` and `after` are this helper's; the mock refuses options it does not know.
    const { hold: _hold, before: _before, after: _after, ...mockOptions } = options
    const mock = createMockApp({ data: bundled, clock: { speed: 0 }, ...mockOptions })
    const requests: Array<string> = []
    let aborted = 0
    let inFlight = 0
    let maxInFlight = 0
    const answer = async (request: Request): Promise<Response> => {
      const url = new URL(request.url)
      if (options.hold?.(url)) {
        return new Promise<Response>((_, reject) => {
          request.signal.addEventListener("abort", () => {
            aborted++
            reject(request.signal.reason)
          }, { once: true })
        })
      }
      const instead = await options.before?.(url)
      const response = await mock.fetch(instead ? new Request(instead, request) : request)
      options.after?.(url, response)
      return response
    }
    const observed = async (request: Request): Promise<Response> => {
      const url = new URL(request.url)
      requests.push(url.pathname + url.search)
      maxInFlight = Math.max(maxInFlight, ++inFlight)
      // In flight until answered or, as the client sees it, until aborted (the mock may go on).
      let over = false
      const end = () => {
        if (!over) inFlight--
        over = true
      }
      request.signal.addEventListener("abort", end, { once: true })
      try {
        return await answer(request)
      } finally {
        end()
      }
    }
    const fetchInProcess = ((input: string | URL | Request, init?: RequestInit) => observed(new Request(input, init))) as typeof fetch
    const url = transport === "tcp"
      ? (yield* Effect.acquireRelease(
        Effect.promise(() => serve({ ...mock, handle: observed }, { port: 0 })),
        (server) => Effect.promise(() => server.close())
      )).url
      : "http://mock.invalid"
    // Over TCP the client as chosen; in-process, the platform's fetch client over the mock's `fetch`.
    const http = (client: Client) =>
      transport === "tcp" ? clientLayer(client) : Layer.provide(FetchHttpClient.layer, Layer.succeed(FetchHttpClient.Fetch, fetchInProcess))
    return {
      mock,
      url,
      requests,
      aborted: () => aborted,
      inFlight: () => inFlight,
      maxInFlight: () => maxInFlight,
      executions: (auth = apiKeyAuth, { client = "fetch", ...config } = {}) =>
        Executions.layer.pipe(Layer.provide([auth, RefoldConfig.layer({ ...fast, ...config, baseUrl: url }), http(client)]), Layer.orDie),
      sdk: (auth = apiKeyAuth, { client = "fetch", ...config } = {}) =>
        Layer.merge(Executions.layer, Workflows.layer).pipe(
          Layer.provide([auth, RefoldConfig.layer({ ...fast, ...config, baseUrl: url }), http(client)]),
          Layer.orDie
        )
    }
  })
