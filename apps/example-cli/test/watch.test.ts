/**
 * `watch` against the mock in-process, on real time with short intervals: an execution that has
 * ended is reported at the first poll; one still running is polled until `--timeout`.
 */
import { describe, expect, it } from "@effect/vitest"
import { RefoldMock } from "@refold-effect/mock"
import { type Execution, Executions, type ExecutionsService } from "@refold-effect/sdk"
import { Effect, Layer, Ref, Stream } from "effect"
import { watch } from "../src/index.js"
import { capture, lines, run } from "./support/Cli.js"
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
  // The mock serves each execution as its data set has it, so a run that progresses between polls
  // is scripted here at the level of the SDK's `Executions` service.
  const record = Fixtures.withStatus("COMPLETED")
  const snapshot = (status: string, percent: number, done: number): Execution.Detail => ({
    ...record,
    status,
    completion_percentage: percent,
    nodes: record.nodes.map((node, i) => ({ ...node, node_status: i < done ? node.node_status : "Waiting" }))
  })
  const script = [snapshot("RUNNING", 0, 0), snapshot("RUNNING", 0, 0), snapshot("RUNNING", 50, 1), snapshot("RUNNING", 50, 1), snapshot("COMPLETED", 100, record.nodes.length)]
  const scripted = Effect.gen(function*() {
    const polls = yield* Ref.make(0)
    const service: ExecutionsService = {
      list: () => Effect.die("not used"),
      pages: () => Stream.die("not used"),
      stream: () => Stream.die("not used"),
      stop: () => Effect.die("not used"),
      rerun: () => Effect.die("not used"),
      batches: () => Effect.die("not used"),
      batchStream: () => Stream.die("not used"),
      forAccount: () => service,
      get: () => Ref.getAndUpdate(polls, (n) => n + 1).pipe(Effect.map((n) => script[Math.min(n, script.length - 1)]!))
    }
    return { polls, layer: Layer.succeed(Executions, service) }
  })

  it.live("prints a line per change (not per poll) and exits 0 once COMPLETED", () =>
    Effect.gen(function*() {
      const { layer, polls } = yield* scripted
      const { stdout, value } = yield* capture(Effect.either(watch(record._id, { interval: "10 millis" }).pipe(Effect.provide(layer))))
      expect(value._tag).toBe("Right")
      expect(yield* Ref.get(polls)).toBe(script.length)
      const first = record.nodes[0]!
      const out = lines(stdout)
      expect(out).toHaveLength(4)
      expect(out[0]).toMatch(new RegExp(`^RUNNING {3}0% · 0/${record.nodes.length} nodes done · `))
      expect(out[1]).toBe(`RUNNING  50% · 1/${record.nodes.length} nodes done · ${first.node_name}: Waiting → ${first.node_status}`)
      expect(out[2]).toMatch(new RegExp(`^COMPLETED 100% · ${record.nodes.length}/${record.nodes.length} nodes done · `))
      expect(out[3]).toBe(`Execution ${record._id} COMPLETED.`)
    }))
})
