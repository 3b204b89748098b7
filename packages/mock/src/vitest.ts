/**
 * `@refold-effect/mock/vitest`: the real mock server for a vitest suite. `useMockServer` starts it
 * on a free port before the suite's tests (`beforeAll`) and stops it after them (`afterAll`).
 *
 * ```ts
 * import { useMockServer } from "@refold-effect/mock/vitest"
 *
 * const server = useMockServer({ fixtures: { generate: { size: 50, seed: 7 } } })
 *
 * it("lists", async () => {
 *   const res = await fetch(`${server.url}/api/v2/public/execution`, { headers: { "x-api-key": "tk-1", linked_account_id: "user_12345" } })
 *   expect(res.status).toBe(200)
 *   expect(server.mock.journal.requests()).toHaveLength(1)
 * })
 * ```
 *
 * @since 0.1.0
 */
import { afterAll, beforeAll } from "vitest"
import * as KitOptions from "./internal/KitOptions.js"
import * as Options from "./internal/Options.js"
import { createMockApp, type MockApp } from "./MockApp.js"
import * as MockClock from "./MockClock.js"
import { serve, type MockServer, type ServeOptions } from "./MockServer.js"

/** The suite's server; its fields are readable inside tests and hooks (after `beforeAll`). */
export interface MockServerHandle {
  /** The base URL, such as `http://127.0.0.1:40123`. */
  readonly url: string
  /** The mock app: journal, faults, reset, session tokens, store. */
  readonly mock: MockApp
  /** The running server. */
  readonly server: MockServer
}

/** Options: the kit's (data set, accounts, faults, admin token, ...) plus where to listen (default: a free port on 127.0.0.1). */
export interface UseMockServerOptions extends KitOptions.KitOptions, ServeOptions {}

/** The kit's checks, and `serve`'s options, which it checks itself. */
const checks: { readonly [K in keyof UseMockServerOptions]-?: Options.Check } = { ...KitOptions.checks, port: () => undefined, host: () => undefined }

/** Starts a mock server for the enclosing suite and stops it after the suite. */
export const useMockServer = (options: UseMockServerOptions = {}): MockServerHandle => {
  // Checked when the suite is collected, naming the option: `serve` checks the port and host when it binds.
  Options.check(options, checks)
  let running: { readonly mock: MockApp; readonly server: MockServer } | undefined
  beforeAll(async () => {
    const { port, host, ...kit } = options
    const clock = kit.clock !== undefined && "now" in kit.clock ? kit.clock : MockClock.make(kit.clock)
    const mock = createMockApp(KitOptions.toMockOptions(kit, clock))
    running = { mock, server: await serve(mock, { port: port ?? 0, host }) }
  })
  afterAll(async () => {
    running?.mock.webhooks.reset()
    await running?.server.close()
    running = undefined
  })
  const current = () => {
    if (running === undefined) throw new Error("useMockServer: the server runs only during the suite's tests (after beforeAll, before afterAll)")
    return running
  }
  return {
    get url() {
      return current().server.url
    },
    get mock() {
      return current().mock
    },
    get server() {
      return current().server
    }
  }
}
