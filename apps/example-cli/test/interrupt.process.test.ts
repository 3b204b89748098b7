/**
 * Ctrl-C during `run`, as a user presses it: the real process against the real mock server on a
 * manual clock (its execution holds still, so the run is surely being followed when SIGINT comes).
 * It stops at once, says what it stopped and what goes on, exits 130, and prints no stack trace.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { API_KEY, lines } from "./support/Cli.js"
import * as Fixtures from "./support/Fixtures.js"
import { start } from "./support/MockServerProcess.js"
import { spawn } from "./support/Process.js"

const sample = Fixtures.executions((r) => r.associated_workflow?._id !== undefined && r.associated_application?.slug !== undefined)[0]!
const WORKFLOW = String(sample.associated_workflow!._id)
const SLUG = sample.associated_application!.slug!

describe("refold-executions run, interrupted", () => {
  it.live("Ctrl-C while following: a message naming the execution, exit code 130, no stack trace", () =>
    Effect.gen(function*() {
      const server = yield* start(["--clock", "manual"])
      const vars = { REFOLD_BASE_URL: server.url, REFOLD_API_KEY: API_KEY, REFOLD_LINKED_ACCOUNT_ID: Fixtures.ACCOUNT }
      const { exitCode, stderr, stdout } = yield* spawn(["run", WORKFLOW, "--slug", SLUG, "--interval", "200ms"], vars, { interruptOn: /^Started execution /m })
      const id = /^Started execution ([0-9a-f]{24}) of workflow /.exec(lines(stdout)[0] ?? "")?.[1]
      expect(id, stdout + stderr).toBeDefined()
      expect({ exitCode, stderr }).toEqual({
        exitCode: 130,
        stderr: `Interrupted: stopped following execution ${id}; the execution itself was not stopped (follow it again: refold-executions watch ${id}).\n`
      })
    }).pipe(Effect.scoped), { timeout: 120_000 })
})
