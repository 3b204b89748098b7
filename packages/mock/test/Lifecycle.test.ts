/**
 * `Lifecycle` over a manual clock and a map of records: nodes finish one by one with the timings of
 * their types, runs end COMPLETED, ERRORED or TIMED_OUT as drawn from the seed or as forced, stops
 * take effect on the clock, and listeners and waiters hear of the ends.
 */
import type { Fixture } from "@refold-effect/fixtures"
import { describe, expect, it } from "vitest"
import * as Lifecycle from "../src/Lifecycle.js"
import * as MockClock from "../src/MockClock.js"
import { objectId, readyNodes, record } from "./support/data.js"

const START = Date.parse("2026-12-01T10:00:00.000Z")

const types = ["start", "application", "custom_code", "condition", "api_request"]

const running = (n: number, overrides: Partial<Fixture.Record> = {}): Fixture.Record =>
  record({
    _id: objectId(n),
    createdAt: new Date(START).toISOString(),
    status: "RUNNING",
    completion_percentage: 0,
    nodes: readyNodes(types, 3),
    ...overrides
  })

/**
 * A lifecycle over a manual clock and a map of records read as the app's store reads them (through
 * `lifecycle.current`, keeping what it returns), with every transition it emits.
 */
const setup = (records: ReadonlyArray<Fixture.Record>, seed = 7) => {
  const stored = new Map(records.map((r) => [r._id, r]))
  const store = {
    get: (id: string) => {
      const r = stored.get(id)
      if (r === undefined) return undefined
      const now = lifecycle.current(r)
      stored.set(id, now)
      return now
    },
    set: (id: string, r: Fixture.Record) => stored.set(id, r)
  }
  let now = START
  const clock = MockClock.make({ speed: 0, source: { now: () => now, wait: () => () => {} } })
  const lifecycle = Lifecycle.make({ clock, records: { get: store.get, put: (r) => store.set(r._id, r) }, seed })
  const transitions: Array<Lifecycle.Transition> = []
  lifecycle.onTransition((t) => transitions.push(t))
  lifecycle.reset(() => records)
  return {
    store,
    clock,
    lifecycle,
    transitions,
    /** Runs the clock until nothing is live (or `limit` ms pass). */
    runOut: (limit = 3_600_000) => {
      for (let t = 0; t < limit && lifecycle.size() > 0; t += 1000) clock.advance(1000)
    },
    setNow: (t: number) => (now = t),
    /** The record as last written, not read through the lifecycle. */
    written: (id: string) => stored.get(id)
  }
}

describe("Lifecycle", () => {
  it("advances a running execution node by node to its end, with realistic times and the end's fields", () => {
    const { store, clock, lifecycle, transitions } = setup([running(1)])
    const id = objectId(1)
    const seen: Array<Fixture.Record> = []
    for (let t = 0; t < 600 && lifecycle.size() > 0; t++) {
      clock.advance(50)
      const r = store.get(id)!
      if (seen.at(-1) !== r) seen.push(r)
    }
    const last = seen.at(-1)!
    expect(lifecycle.size()).toBe(0)
    expect(["COMPLETED", "ERRORED", "TIMED_OUT"]).toContain(last.status)
    // completion_percentage never goes down, and nodes finish in order, one change at a time.
    const percentages = seen.map((r) => r.completion_percentage)
    expect(percentages).toEqual([...percentages].sort((a, b) => a - b))
    const finished = seen.map((r) => r.nodes.filter((n) => n.node_status !== "Ready").length)
    expect(finished).toEqual([...finished].sort((a, b) => a - b))
    for (const r of seen.slice(0, -1)) expect(r.status).toBe("RUNNING")
    // Each successful node's time is within its type's range.
    for (const n of last.nodes.filter((x) => x.node_status === "Success")) {
      const [min, max] = Lifecycle.nodeMs[n.node_type]!
      expect(n.execution_time).toBeGreaterThanOrEqual(min)
      expect(n.execution_time).toBeLessThanOrEqual(max)
    }
    const total = last.nodes.reduce((s, n) => s + n.execution_time, 0)
    expect(last.completion_time).toBe(last.updatedAt)
    expect((last as { instance_execution_time?: number }).instance_execution_time).toBe(Date.parse(last.completion_time!) - START)
    expect(Date.parse(last.completion_time!) - START).toBe(total)
    expect(transitions).toEqual([{ execution: last, from: "RUNNING", to: last.status, at: Date.parse(last.completion_time!) }])
  })

  it("draws outcomes from the seed: reproducible, every outcome occurring, mostly COMPLETED", () => {
    const records = Array.from({ length: 300 }, (_, i) => running(i))
    const outcome = (seed: number) => {
      const { store, runOut } = setup(records, seed)
      runOut()
      return records.map((r) => store.get(r._id)!)
    }
    const a = outcome(3)
    expect(outcome(3)).toEqual(a)
    expect(outcome(4).map((r) => r.status)).not.toEqual(a.map((r) => r.status))
    const count = (s: string) => a.filter((r) => r.status === s).length
    expect(count("COMPLETED")).toBeGreaterThan(200)
    expect(count("ERRORED")).toBeGreaterThan(10)
    expect(count("TIMED_OUT")).toBeGreaterThan(0)
    expect(count("RUNNING")).toBe(0)
    for (const r of a.filter((x) => x.status === "ERRORED")) {
      const k = r.nodes.findIndex((n) => n.node_status === "Errored")
      expect(r.nodes[k]!.attempts_made).toBe(r.nodes[k]!.maximum_attempts)
      expect(r.nodes.slice(0, k).every((n) => n.node_status === "Success")).toBe(true)
      expect(r.nodes.slice(k + 1).every((n) => n.node_status === "Errored_and_Skipped")).toBe(true)
      expect(r.completion_percentage).toBe(Math.floor((100 * k) / r.nodes.length))
    }
    for (const r of a.filter((x) => x.status === "TIMED_OUT")) {
      const k = r.nodes.findIndex((n) => n.node_status === "Timed_Out")
      expect(r.nodes[k]!.execution_time).toBe(Lifecycle.NODE_TIMEOUT_MS)
    }
    for (const r of a.filter((x) => x.status === "COMPLETED")) expect(r.completion_percentage).toBe(100)
  })

  it("ends as forced: ERRORED at a given node, TIMED_OUT, or COMPLETED", () => {
    const { store, lifecycle, runOut } = setup([running(1), running(2), running(3)])
    lifecycle.force(objectId(1), { status: "ERRORED", node: 3 })
    lifecycle.force(objectId(2), { status: "TIMED_OUT" })
    lifecycle.force(objectId(3), { status: "COMPLETED" })
    runOut()
    const errored = store.get(objectId(1))!
    expect(errored.status).toBe("ERRORED")
    expect(errored.nodes.map((n) => n.node_status)).toEqual(["Success", "Success", "Success", "Errored", "Errored_and_Skipped"])
    expect(store.get(objectId(2))!.status).toBe("TIMED_OUT")
    expect(store.get(objectId(3))!.status).toBe("COMPLETED")
  })

  it("forced to complete, a node that was to time out or fail takes one attempt's time, not the timeout's", () => {
    const { store, clock, lifecycle } = setup([running(1), running(2)])
    // Both were to strike at their first node: a 30 s timeout, or every attempt of it.
    lifecycle.force(objectId(1), { status: "TIMED_OUT", node: 0 })
    lifecycle.force(objectId(2), { status: "ERRORED", node: 0 })
    lifecycle.force(objectId(1), { status: "COMPLETED" })
    lifecycle.force(objectId(2), { status: "COMPLETED" })
    const [min, max] = Lifecycle.nodeMs.start!
    clock.advance(max)
    for (const id of [objectId(1), objectId(2)]) {
      const first = store.get(id)!.nodes[0]!
      expect(first.node_status).toBe("Success")
      expect(first.attempts_made).toBe(1)
      expect(first.execution_time).toBeGreaterThanOrEqual(min)
      expect(first.execution_time).toBeLessThanOrEqual(max)
    }
  })

  it("refuses to force what it cannot, saying why", () => {
    const { lifecycle } = setup([running(1), running(2, { status: "COMPLETED" })])
    expect(() => lifecycle.force(objectId(2), { status: "ERRORED" })).toThrow(/is not running/)
    // An unknown id is named as such, as the admin route's 404 and RefoldMock.update name it.
    expect(() => lifecycle.force(objectId(9), { status: "ERRORED" })).toThrow(`No execution "${objectId(9)}"`)
    expect(() => lifecycle.force(objectId(1), { status: "ERRORED", node: 5 })).toThrow(/Invalid node 5 .*from 0 to 4/)
    expect(() => lifecycle.force(objectId(1), { status: "ERRORED", node: 1.5 })).toThrow(/Invalid node 1.5/)
  })

  it("stops a STOPPING execution on the clock: unfinished nodes Stopped, finished ones kept", () => {
    const { store, clock, lifecycle, transitions } = setup([running(1)])
    const id = objectId(1)
    lifecycle.force(id, { status: "COMPLETED" })
    while (store.get(id)!.nodes[0]!.node_status === "Ready") clock.advance(100)
    const stopping = { ...store.get(id)!, status: "STOPPING" as const }
    store.set(id, stopping)
    lifecycle.observe(stopping)
    const at = clock.now()
    clock.advance(Lifecycle.STOP_MS - 1)
    expect(store.get(id)!.status).toBe("STOPPING")
    clock.advance(1)
    const stopped = store.get(id)!
    expect(stopped.status).toBe("STOPPED")
    expect(stopped.nodes[0]!.node_status).toBe("Success")
    expect(stopped.nodes.slice(1).every((n) => n.node_status === "Stopped")).toBe(true)
    expect(stopped.completion_time).toBe(new Date(at + Lifecycle.STOP_MS).toISOString())
    expect(transitions.map((t) => [t.from, t.to])).toEqual([["STOPPING", "STOPPED"]])
    expect(lifecycle.size()).toBe(0)
  })

  it("stops a data set's STOPPING execution too", () => {
    const { store, clock } = setup([running(1, { status: "STOPPING" })])
    clock.advance(Lifecycle.STOP_MS)
    expect(store.get(objectId(1))!.status).toBe("STOPPED")
  })

  it("resolves waiters when the run ends, at once for a finished one, undefined for an unknown one", async () => {
    const { clock, lifecycle, runOut } = setup([running(1), running(2, { status: "ERRORED" })])
    const waiting = lifecycle.settled(objectId(1))
    let done = false
    void waiting.then(() => (done = true))
    clock.advance(10)
    await Promise.resolve()
    expect(done).toBe(false)
    runOut()
    expect((await waiting)!.status).not.toBe("RUNNING")
    expect((await lifecycle.settled(objectId(2)))!.status).toBe("ERRORED")
    expect(await lifecycle.settled(objectId(99))).toBeUndefined()
  })

  it("lets go of an execution someone else finished, telling listeners", () => {
    const { store, clock, lifecycle, transitions } = setup([running(1)])
    const done = { ...store.get(objectId(1))!, status: "COMPLETED" as const }
    store.set(done._id, done)
    lifecycle.observe(done)
    expect(lifecycle.size()).toBe(0)
    expect(transitions.map((t) => [t.from, t.to])).toEqual([["RUNNING", "COMPLETED"]])
    clock.advance(3_600_000)
    expect(store.get(objectId(1))).toBe(done)
  })

  it("starts a new execution it observes from the clock's time, and a reset forgets every run and its alarm", async () => {
    const { store, clock, lifecycle } = setup([])
    const fresh = running(5, { createdAt: new Date(clock.now()).toISOString() })
    store.set(fresh._id, fresh)
    lifecycle.observe(fresh)
    lifecycle.observe(fresh) // idempotent
    expect(lifecycle.size()).toBe(1)
    expect(clock.snapshot().pending).toBe(1)
    const waiting = lifecycle.settled(fresh._id)
    lifecycle.reset(() => [])
    expect(await waiting).toBeUndefined()
    expect(lifecycle.size()).toBe(0)
    expect(clock.snapshot().pending).toBe(0)
    clock.advance(3_600_000)
    expect(store.get(fresh._id)).toBe(fresh)
  })

  it("writes a run only when it ends: its nodes finish as it is read, one record per change seen", () => {
    const { store, clock, lifecycle, written } = setup([running(1)])
    const id = objectId(1)
    lifecycle.force(id, { status: "COMPLETED" })
    const start = written(id)!
    // Past the first nodes' ends (a start node takes at most 500 ms), not the run's.
    while (lifecycle.current(start).nodes.filter((n) => n.node_status === "Success").length < 2) clock.advance(100)
    // Nothing was written: the record read is a new one, the one stored is as it started.
    expect(written(id)).toBe(start)
    const read = store.get(id)!
    expect(read).not.toBe(start)
    expect(read.status).toBe("RUNNING")
    const done = read.nodes.filter((n) => n.node_status === "Success")
    expect(read.completion_percentage).toBe(Math.floor((100 * done.length) / read.nodes.length))
    expect(Date.parse(read.updatedAt!)).toBe(START + done.reduce((s, n) => s + n.execution_time, 0))
    expect(Date.parse(read.updatedAt!)).toBeLessThanOrEqual(clock.now())
    // Read again with nothing new: the same object, so what is cached for it stays valid.
    expect(store.get(id)).toBe(read)
    expect(lifecycle.current(read)).toBe(read)
    // A record that is not running is never touched.
    const finished = { ...read, status: "COMPLETED" as const }
    expect(lifecycle.current(finished)).toBe(finished)
  })

  it("keeps ONE clock alarm however many executions run", () => {
    const records = Array.from({ length: 2000 }, (_, i) => running(i))
    const { clock, lifecycle } = setup(records)
    expect(lifecycle.size()).toBe(2000)
    expect(clock.snapshot().pending).toBe(1)
    clock.advance(1000)
    expect(clock.snapshot().pending).toBe(1)
  })
})
