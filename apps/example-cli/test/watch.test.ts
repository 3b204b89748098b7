/**
 * `watch` against the mock in-process, on real time with short intervals: an execution that has
 * ended is reported at the first poll; one still running is polled until `--timeout`.
 */
import { describe, expect, it } from "@effect/vitest"
import { RefoldMock } from "@refold-effect/mock"
import { Executions, RefoldAuth, RefoldConfig } from "@refold-effect/sdk"
import { type Duration, Effect, Fiber, Layer, TestClock } from "effect"
import { watch } from "../src/index.js"
import { API_KEY, capture, lines, run } from "./support/Cli.js"
import * as Fixtures from "./support/Fixtures.js"

/** A fresh in-process mock per test, serving the bundled fixtures. */
// A manual clock: these tests change executions themselves, and expect the rest to stay as they are.
const mock = RefoldMock.layer({ fixtures: Fixtures.data, clock: { speed: 0 } })

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
      expect(yield* RefoldMock.count({})).toBe(1)
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
      const { exitCode, stderr, stdout } = yield* run(["watch", record._id, "--interval", "20ms", "--timeout", "1s"])
      expect(exitCode).toBe(124)
      // Polled again until --timeout, printed once: nothing changed.
      expect(yield* RefoldMock.count({ urlPath: `/api/v2/public/execution/${record._id}` })).toBeGreaterThanOrEqual(2)
      expect(lines(stdout)).toHaveLength(1)
      expect(lines(stdout)[0]).toMatch(new RegExp(`^RUNNING +${record.completion_percentage}% · `))
      expect(stderr).toBe(
        `Gave up after 1s (--timeout): execution ${record._id} is still RUNNING (${record.completion_percentage}%).\n`
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

describe("watch, over an execution that moves", () => {
  // The mock's lifecycle on Effect's Clock: `TestClock.adjust` runs the execution and the polls.
  const sdk = Executions.layer.pipe(
    Layer.provide([RefoldAuth.apiKey({ apiKey: API_KEY, linkedAccountId: Fixtures.ACCOUNT }), RefoldConfig.layer({ baseUrl: "https://app.refold.ai" })]),
    Layer.provideMerge(RefoldMock.layer({ fixtures: Fixtures.data })),
    Layer.orDie
  )

  /** Moves the test clock in `step`s until `fiber` is done. */
  const drive = <A, E>(fiber: Fiber.RuntimeFiber<A, E>, step: Duration.DurationInput) =>
    Effect.gen(function*() {
      for (let i = 0; i < 10_000 && fiber.unsafePoll() === null; i++) {
        yield* TestClock.adjust(step)
        // Let the in-process requests woken by this step answer before the clock moves on.
        yield* Effect.promise(() => new Promise((r) => setTimeout(r, 1)))
      }
      return yield* Fiber.join(fiber)
    })

  it.effect("prints a line per change (not per poll) and exits 0 once COMPLETED", () =>
    Effect.gen(function*() {
      const record = Fixtures.withStatus("RUNNING")
      yield* RefoldMock.force(record._id, { status: "COMPLETED" })
      const fiber = yield* Effect.fork(capture(Effect.either(watch(record._id, { interval: "100 millis" }))))
      const { stdout, value } = yield* drive(fiber, "100 millis")
      expect(value._tag).toBe("Right")
      const out = lines(stdout)
      const n = record.nodes.length
      expect(out[0]).toMatch(/^RUNNING /)
      expect(out.at(-2)).toMatch(new RegExp(`^COMPLETED 100% · ${n}/${n} nodes done · `))
      expect(out.at(-1)).toBe(`Execution ${record._id} COMPLETED.`)
      expect(new Set(out).size).toBe(out.length)
      // Polled more often than it printed: unchanged snapshots print nothing.
      const polls = yield* RefoldMock.count({ urlPath: `/api/v2/public/execution/${record._id}` })
      expect(polls).toBeGreaterThan(out.length)
    }).pipe(Effect.provide(sdk)))

  it.effect("a run forced to ERRORED at a node: its error, ExecutionFailed", () =>
    Effect.gen(function*() {
      const record = Fixtures.withStatus("RUNNING")
      const node = record.nodes.findIndex((n) => n.node_status !== "Success")
      yield* RefoldMock.force(record._id, { status: "ERRORED", node })
      const fiber = yield* Effect.fork(capture(Effect.either(watch(record._id, { interval: "1 second" }))))
      const { stdout, value } = yield* drive(fiber, "1 second")
      expect(value._tag === "Left" && value.left._tag).toBe("ExecutionFailed")
      expect(lines(stdout).at(-1)).toMatch(/^ERRORED /)
    }).pipe(Effect.provide(sdk)))
})
