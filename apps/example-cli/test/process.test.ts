/**
 * End to end: the real CLI process against the real mock server on a random port, as a user runs
 * it against `pnpm start`.
 */
import { describe, expect, it } from "@effect/vitest"
import { useMockServer } from "@refold-effect/mock/vitest"
import { Effect } from "effect"
import { Format } from "../src/index.js"
import { API_KEY, lines } from "./support/Cli.js"
import * as Fixtures from "./support/Fixtures.js"
import { spawn } from "./support/Process.js"

// Both tests start a Node process: let them start side by side.
describe.concurrent("the refold-executions process", () => {
  // The real mock server on a free port of 127.0.0.1, for this suite.
  const server = useMockServer({ fixtures: Fixtures.data, clock: { speed: 0 } })

  it.live("lists ERRORED executions from the mock server on stdout and exits 0", () =>
    Effect.gen(function*() {
      const vars = { REFOLD_BASE_URL: server.url, REFOLD_API_KEY: API_KEY, REFOLD_LINKED_ACCOUNT_ID: Fixtures.ACCOUNT }
      const { exitCode, stderr, stdout } = yield* spawn(["--", "list", "--status", "ERRORED"], vars)
      const errored = Fixtures.executions((r) => r.status === "ERRORED")
      expect({ exitCode, stderr }).toEqual({
        exitCode: 0,
        stderr: `Page 1 of ${Math.ceil(errored.length / 10)} · executions 1–10 of ${errored.length} · next: --page 2, or --all for every page\n`
      })
      expect(lines(stdout)).toEqual([Format.listHeader, ...errored.slice(0, 10).map((r) => Format.listRow(r))])
    }), { timeout: 60_000 })

  it.live("exits 3 with the NotFound message on stderr for an unknown id, never printing the key", () =>
    Effect.gen(function*() {
      const vars = { REFOLD_BASE_URL: server.url, REFOLD_API_KEY: API_KEY, REFOLD_LINKED_ACCOUNT_ID: Fixtures.ACCOUNT }
      const { exitCode, stderr, stdout } = yield* spawn(["get", "0123456789abcdef01234567"], vars)
      expect(exitCode).toBe(3)
      expect(stdout).toBe("")
      expect(stderr).toMatch(/^Not found \(404\): execution 0123456789abcdef01234567 does not exist in this linked account\./)
      expect(stderr).not.toContain(API_KEY)
      expect(server.mock.journal.count({ urlPath: "/api/v2/public/execution/0123456789abcdef01234567" })).toBe(1)
    }), { timeout: 60_000 })
})
