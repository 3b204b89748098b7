/**
 * `watch` against the mock in-process, on real time with short intervals: an execution that has
 * ended is reported at the first poll; one still running is polled until `--timeout`.
 */
import { describe, expect, it } from "@effect/vitest"
import { createMockApp, MockHttpClient } from "@refold-effect/mock"
import { Effect } from "effect"
import { lines, run } from "./support/Cli.js"
import * as Fixtures from "./support/Fixtures.js"

const mock = MockHttpClient.layer(createMockApp({ data: Fixtures.data }))

describe("watch", () => {
  it.live("a COMPLETED execution: its progress, then exit code 0", () =>
    Effect.gen(function*() {
      const record = Fixtures.withStatus("COMPLETED")
      const { exitCode, stderr, stdout } = yield* run(["watch", record._id, "--interval", "20ms"])
      expect(exitCode).toBe(0)
      expect(stderr).toBe("")
      const [progress, done, ...rest] = lines(stdout)
      expect(progress).toMatch(new RegExp(`^COMPLETED 100% · ${record.nodes.length}/${record.nodes.length} nodes done · `))
      for (const node of record.nodes) expect(progress).toContain(`${node.node_name}: ${node.node_status}`)
      expect(done).toBe(`Execution ${record._id} COMPLETED.`)
      expect(rest).toEqual([])
    }).pipe(Effect.provide(mock)))

  it.live("an ERRORED execution: the failed node's error, exit code 1", () =>
    Effect.gen(function*() {
      const record = Fixtures.executions((r) => r.status === "ERRORED" && r.nodes.some((n) => n.node_status === "Errored"))[0]!
      const failed = record.nodes.find((n) => n.node_status === "Errored")!
      const { exitCode, stderr, stdout } = yield* run(["watch", record._id, "--interval", "20ms"])
      expect(exitCode).toBe(1)
      expect(lines(stdout)).toHaveLength(1)
      expect(stderr).toContain(`Execution ${record._id} ended ERRORED: node "${failed.node_name}" Errored`)
    }).pipe(Effect.provide(mock)))

  it.live("a RUNNING execution that does not change: one progress line, then exit code 124 at --timeout", () =>
    Effect.gen(function*() {
      const record = Fixtures.withStatus("RUNNING")
      const { exitCode, stderr, stdout } = yield* run(["watch", record._id, "--interval", "20ms", "--timeout", "300ms"])
      expect(exitCode).toBe(124)
      expect(lines(stdout)).toHaveLength(1)
      expect(lines(stdout)[0]).toMatch(new RegExp(`^RUNNING +${record.completion_percentage}% · `))
      expect(stderr).toBe(
        `Gave up after 300ms (--timeout): execution ${record._id} is still RUNNING (${record.completion_percentage}%).\n`
      )
    }).pipe(Effect.provide(mock)))

  it.live("a STOPPING execution is not over yet", () =>
    Effect.gen(function*() {
      const record = Fixtures.withStatus("STOPPING")
      const { exitCode, stderr } = yield* run(["watch", record._id, "--interval", "20ms", "--timeout", "200ms"])
      expect(exitCode).toBe(124)
      expect(stderr).toContain("is still STOPPING")
    }).pipe(Effect.provide(mock)))

  it.live("an invalid --interval is a usage error", () =>
    Effect.gen(function*() {
      const { exitCode, stderr } = yield* run(["watch", "x", "--interval", "soon"])
      expect(exitCode).toBe(2)
      expect(stderr).toContain(`--interval: expected a positive duration such as 2s, 500ms, 5m or "10 seconds", got "soon"`)
    }).pipe(Effect.provide(mock)))
})
