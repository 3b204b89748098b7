/**
 * End to end: the real `refold-executions run` process against the real mock server process on a
 * fast clock (`--clock-speed 60`: a minute of executions per second), as a user tries the CLI
 * against `pnpm start`. The outcome is the mock's draw, so the test checks that what the CLI says
 * and its exit code agree with the execution the server holds at the end. And Ctrl-C during the
 * run: it stops at once, says what it stopped and what goes on, and exits 130.
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

describe("refold-executions run, as processes", () => {
  it.live("executes a workflow on the mock server and follows it to its end, its exit code saying how it ended", () =>
    Effect.gen(function*() {
      const server = yield* start(["--clock-speed", "60"])
      const vars = { REFOLD_BASE_URL: server.url, REFOLD_API_KEY: API_KEY, REFOLD_LINKED_ACCOUNT_ID: Fixtures.ACCOUNT }
      const { exitCode, stderr, stdout } = yield* spawn(["run", WORKFLOW, "--slug", SLUG, "--interval", "100ms", "--timeout", "60s"], vars)
      const out = lines(stdout)
      const id = /^Started execution ([0-9a-f]{24}) of workflow /.exec(out[0] ?? "")?.[1]
      expect(id, stdout + stderr).toBeDefined()
      // What the server holds at the end is what the CLI reported.
      const response = yield* Effect.promise(() =>
        fetch(`${server.url}/api/v2/public/execution/${id}`, { headers: { "x-api-key": API_KEY, linked_account_id: Fixtures.ACCOUNT } })
      )
      const execution = (yield* Effect.promise(() => response.json())) as { status: string; completion_percentage: number }
      expect(["COMPLETED", "ERRORED", "TIMED_OUT"]).toContain(execution.status)
      const bars = out.filter((l) => l.startsWith("["))
      // At least the end: a short run can be over by the first poll.
      expect(bars.length).toBeGreaterThanOrEqual(1)
      expect(bars.every((l) => /^\[[#-]{20}\] +\d+% [A-Z_]+ · \d+\/\d+ nodes done$/.test(l))).toBe(true)
      expect(bars.at(-1)).toMatch(new RegExp(`^\\[[#-]{20}\\] +${execution.completion_percentage}% ${execution.status} · `))
      if (execution.status === "COMPLETED") {
        expect({ exitCode, stderr, last: out.at(-1) }).toEqual({ exitCode: 0, stderr: "", last: `Execution ${id} COMPLETED.` })
      } else {
        expect(exitCode).toBe(1)
        expect(stderr).toMatch(new RegExp(`^Execution ${id} ended ${execution.status}`))
      }
      expect(stderr).not.toContain(API_KEY)
    }).pipe(Effect.scoped), { timeout: 120_000 })

  // A manual clock: the execution holds still, so the run is surely being followed when SIGINT comes.
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
