/**
 * `run <workflowId>` through the whole command line, against the mock in-process
 * (`RefoldMock.layer`): the mock's executions advance on Effect's `Clock`, as the CLI's polls do, so
 * `TestClock.adjust` drives the run to its end with no real waiting. Each test forces how the new
 * execution ends, so that the exit code it expects is certain.
 */
import { describe, expect, it } from "@effect/vitest"
import { type Lifecycle, RefoldMock } from "@refold-effect/mock"
import { Effect, Fiber, TestClock } from "effect"
import { Format } from "../src/index.js"
import { API_KEY, lines, run } from "./support/Cli.js"
import * as Fixtures from "./support/Fixtures.js"

/** A workflow of the account and its application's slug, taken from its newest execution. */
const sample = Fixtures.executions((r) => r.associated_workflow?._id !== undefined && r.associated_application?.slug !== undefined)[0]!
const WORKFLOW = String(sample.associated_workflow!._id)
const SLUG = sample.associated_application!.slug!

const known = new Set(Fixtures.data.executions.map((r) => r._id))

/** The execution `run` started: the one the data set does not have. */
const startedId = Effect.gen(function*() {
  const mock = yield* RefoldMock
  return mock.app.store.executions(Fixtures.ACCOUNT).find((r) => !known.has(r._id))?._id
})

/** A tick of real time, for the in-process requests woken by a step of the test clock to answer. */
const tick = Effect.promise(() => new Promise((r) => setTimeout(r, 1)))

/**
 * Runs the CLI with `args`, forces the execution it starts to end as `forced` once it exists, and
 * moves the test clock a second at a time until the CLI is done.
 */
const runForced = (args: ReadonlyArray<string>, forced?: Lifecycle.Forced) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(run(args))
    let id: string | undefined
    for (let i = 0; i < 50 && id === undefined && fiber.unsafePoll() === null; i++) {
      yield* tick
      id = yield* startedId
    }
    if (id !== undefined && forced !== undefined) yield* RefoldMock.force(id, forced)
    for (let s = 0; s < 3_600 && fiber.unsafePoll() === null; s++) {
      yield* TestClock.adjust("1 second")
      yield* tick
    }
    return { id, result: yield* Fiber.join(fiber) }
  })

/** The percentages of the progress bars printed. */
const percents = (out: ReadonlyArray<string>) => out.flatMap((l) => /^\[[#-]{20}\] +(\d+)% /.exec(l)?.[1] ?? []).map(Number)

const mock = RefoldMock.layer({ fixtures: Fixtures.data })

describe("run", () => {
  it.effect("executes the workflow, prints a progress bar per change and exits 0 once COMPLETED", () =>
    Effect.gen(function*() {
      const { id, result } = yield* runForced(["run", WORKFLOW, "--slug", SLUG, "--interval", "1s"], { status: "COMPLETED" })
      const { exitCode, stderr, stdout } = result
      expect(id).toBeDefined()
      expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: "" })
      const out = lines(stdout)
      expect(out[0]).toBe(`Started execution ${id} of workflow ${WORKFLOW}.`)
      const record = (yield* RefoldMock).app.store.find(id!)!
      const n = record.nodes.length
      expect(out.at(-2)).toBe(`[${"#".repeat(20)}] 100% COMPLETED · ${n}/${n} nodes done`)
      expect(out.at(-1)).toBe(`Execution ${id} COMPLETED.`)
      // A bar per change: more than the first and the last, rising, never printed twice in a row.
      const bars = out.slice(1, -1)
      expect(bars.length).toBeGreaterThan(2)
      expect(bars.every((l) => /^\[[#-]{20}\] +\d+% (RUNNING|COMPLETED) · \d+\/\d+ nodes done$/.test(l))).toBe(true)
      expect([...percents(bars)].sort((a, b) => a - b)).toEqual(percents(bars))
      for (let i = 1; i < bars.length; i++) expect(bars[i]).not.toBe(bars[i - 1])
      // The execute was sent once, with the slug.
      expect(yield* RefoldMock.count({ method: "POST", urlPath: `/api/v2/public/workflow/${WORKFLOW}/execute` })).toBe(1)
    }).pipe(Effect.provide(mock)))

  it.effect.each(["ERRORED", "TIMED_OUT"] as const)("exits 1 when the run ends %s, naming the failed node", (status) =>
    Effect.gen(function*() {
      const { id, result } = yield* runForced(["run", WORKFLOW, "--slug", SLUG, "--interval", "1s"], { status, node: 1 })
      const record = (yield* RefoldMock).app.store.find(id!)!
      expect(record.status).toBe(status)
      expect(result.exitCode).toBe(1)
      expect(lines(result.stdout).at(-1)).toMatch(new RegExp(`^\\[[#-]{20}\\] +\\d+% ${status} · `))
      const failed = record.nodes[1]!
      // The mock gives a failed node an error output ({ error }), which the message shows.
      const error = (failed.latest_output as { error: string }).error
      expect(error).toMatch(status === "ERRORED" ? /failed after \d+ attempts?$/ : /did not finish within/)
      expect(result.stderr).toBe(`Execution ${id} ended ${status}: node ${JSON.stringify(failed.node_name)} ${failed.node_status}: ${error}.\n`)
    }).pipe(Effect.provide(mock)))

  it.effect("exits 1 when the run is stopped while followed", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(run(["run", WORKFLOW, "--slug", SLUG, "--interval", "1s"]))
      let id: string | undefined
      for (let i = 0; i < 50 && id === undefined; i++) {
        yield* tick
        id = yield* startedId
      }
      const mock = yield* RefoldMock
      mock.app.edits.update(id!, { status: "STOPPING" })
      for (let s = 0; s < 60 && fiber.unsafePoll() === null; s++) {
        yield* TestClock.adjust("1 second")
        yield* tick
      }
      const { exitCode, stderr, stdout } = yield* Fiber.join(fiber)
      expect(exitCode).toBe(1)
      expect(lines(stdout).at(-1)).toMatch(/ STOPPED · /)
      expect(stderr).toMatch(new RegExp(`^Execution ${id} ended STOPPED`))
    }).pipe(Effect.provide(mock)))

  it.effect("an unknown workflow: the API's 404, exit code 3, nothing followed", () =>
    Effect.gen(function*() {
      const { exitCode, stderr, stdout } = yield* run(["run", "0123456789abcdef01234567", "--slug", SLUG])
      expect(exitCode).toBe(3)
      expect(stdout).toBe("")
      expect(stderr).toMatch(/^Not found \(404\): /)
      expect(stderr).not.toContain(API_KEY)
      expect(yield* RefoldMock.count({ method: "GET" })).toBe(0)
    }).pipe(Effect.provide(mock)))

  it.effect.each([
    [["run", WORKFLOW], "--slug"],
    [["run", WORKFLOW, "--slug", SLUG, "--payload", "[1]"], "--payload: expected a JSON object such as"],
    [["run", WORKFLOW, "--slug", SLUG, "--payload", "{nope"], "--payload: expected a JSON object, got invalid JSON"],
    [["run", WORKFLOW, "--slug", SLUG, "--timeout", "never"], "--timeout: expected a positive duration"]
  ] as const)("bad flags %j: exit code 2, saying what is wrong, nothing sent", ([args, message]) =>
    Effect.gen(function*() {
      const { exitCode, stderr, stdout } = yield* run(args)
      expect(exitCode).toBe(2)
      expect(stderr + stdout).toContain(message)
      expect(yield* RefoldMock.count({})).toBe(0)
    }).pipe(Effect.provide(mock)))

  it.effect("sends --payload as the trigger payload", () =>
    Effect.gen(function*() {
      const { id } = yield* runForced(["run", WORKFLOW, "--slug", SLUG, "--payload", '{"email":"a@b.c"}', "--interval", "1s"], { status: "COMPLETED" })
      // The mock keeps an executed workflow's payload as its first node's input.
      expect((yield* RefoldMock).app.store.find(id!)!.nodes[0]!.input_data).toEqual({ email: "a@b.c" })
    }).pipe(Effect.provide(mock)))
})

describe("Format.bar", () => {
  it("fills the bar by completion_percentage, clamped", () => {
    const at = (completion_percentage: number) => Format.bar({ ...sample, completion_percentage, status: "RUNNING" } as never)
    expect(at(0)).toMatch(/^\[-{20}\] {3}0% RUNNING/)
    expect(at(50)).toMatch(/^\[#{10}-{10}\] {2}50% RUNNING/)
    expect(at(250)).toMatch(/^\[#{20}\] 100% RUNNING/)
  })
})
