/**
 * A mock app whose executions live on its clock, driven through the admin API in-process and over
 * TCP: the clock routes, inserting a running execution, forcing its outcome, stopping one, and
 * reads that follow the clock.
 */
import { describe, expect, it } from "vitest"
import { createMockApp } from "../src/index.js"
import * as Lifecycle from "../src/Lifecycle.js"
import { accounts, objectId, readyNodes, record, small } from "./support/data.js"
import { asAccount, kinds, useTransport } from "./support/http.js"

const acme = asAccount(accounts.acme.linked_account_id)
const json = (method: string, body: unknown): RequestInit => ({ method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

const nodes = readyNodes(["start", "application", "api_request"], 2)

describe.each(kinds)("a living mock (%s)", (kind) => {
  const t = useTransport(kind, () => createMockApp({ data: small(50, 3), clock: { speed: 0 } }))
  let serial = 900
  /** An admin request (in-process: the admin API's own transport is tested in admin.test.ts). */
  const admin = async (path: string, init?: RequestInit) => {
    const response = await t.mock.fetch(new Request(`http://mock.test${path}`, init))
    return { status: response.status, body: (await response.json()) as unknown }
  }

  /** Inserts a running execution of acme created now on the clock, through the admin API. */
  const insertRunning = async () => {
    const clock = (await admin("/__admin/clock")).body as { now: string }
    const id = objectId(serial++)
    const inserted = await admin("/__admin/executions", json("POST", record({ _id: id, createdAt: clock.now, status: "RUNNING", completion_percentage: 0, nodes })))
    expect(inserted.status).toBe(201)
    return id
  }
  const get = async (id: string) => (await t.call(`/api/v2/public/execution/${id}`, { headers: acme })).body as { status: string; completion_percentage: number; nodes: ReadonlyArray<{ node_status: string }>; completion_time?: string; instance_execution_time?: number }
  const advance = (ms: number) => admin("/__admin/clock/advance", json("POST", { ms }))

  it("shows and advances a manual clock", async () => {
    const before = (await admin("/__admin/clock")).body as { mode: string; nowMs: number; speed: number }
    expect(before).toMatchObject({ mode: "manual", speed: 0 })
    const after = await advance(60_000)
    expect(after.status).toBe(200)
    expect((after.body as { nowMs: number }).nowMs).toBe(before.nowMs + 60_000)
    await new Promise((r) => setTimeout(r, 20))
    expect(((await admin("/__admin/clock")).body as { nowMs: number }).nowMs).toBe(before.nowMs + 60_000)
  })

  it("rejects a bad advance with a 400 naming the problem", async () => {
    for (const [body, message] of [[{ ms: -5 }, /Invalid clock advance -5/], [{ ms: "10" }, /Invalid clock advance "10"/], [{ ms: 1, x: 2 }, /unknown field "x"/], [[1], /expected a JSON object/]] as const) {
      const reply = await advance(0).then(() => admin("/__admin/clock/advance", json("POST", body)))
      expect(reply.status).toBe(400)
      expect((reply.body as { message: string }).message).toMatch(message)
    }
  })

  it("names what is wrong with an advance: ms missing, not finite, fractional", async () => {
    const before = ((await admin("/__admin/clock")).body as { nowMs: number }).nowMs
    for (const [body, message] of [
      [{}, /"ms" is required/],
      [{ ms: 1.5 }, /Invalid clock advance 1\.5: expected a whole number of milliseconds/],
      // JSON has no Infinity: a number too large for a double parses as one.
      ['{"ms":1e400}', /Invalid clock advance Infinity \(not finite\)/]
    ] as const) {
      const reply = await admin("/__admin/clock/advance", { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) })
      expect(reply.status).toBe(400)
      expect((reply.body as { message: string }).message).toMatch(message)
    }
    expect(((await admin("/__admin/clock")).body as { nowMs: number }).nowMs).toBe(before)
  })

  it("refuses a body that is not sent as JSON on the clock and execution routes, as on the other admin routes", async () => {
    const id = await insertRunning()
    for (const [method, path, body] of [
      ["POST", "/__admin/clock/advance", { ms: 1 }],
      ["PATCH", `/__admin/executions/${id}`, { name: "renamed" }],
      ["POST", `/__admin/executions/${id}/outcome`, { status: "ERRORED" }],
      ["POST", "/__admin/executions", record({ _id: objectId(serial++), status: "RUNNING", nodes })]
    ] as const) {
      for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
        const reply = await admin(path, { method, headers: { "content-type": type }, body: JSON.stringify(body) })
        expect(reply.status).toBe(400)
        expect(reply.body).toMatchObject({ error_code: "INVALID_ADMIN_REQUEST", message: expect.stringMatching(/Invalid Content-Type.*application\/json/) })
      }
    }
    expect((await get(id)).status).toBe("RUNNING")
  })

  it("runs an inserted RUNNING execution to the forced end as the clock advances", async () => {
    const id = await insertRunning()
    const forced = await admin(`/__admin/executions/${id}/outcome`, json("POST", { status: "ERRORED", node: 2 }))
    expect(forced.status).toBe(200)
    expect((await get(id)).status).toBe("RUNNING")
    await advance(3_000)
    const mid = await get(id)
    expect(mid.nodes.slice(0, 2).map((n) => n.node_status)).toEqual(["Success", "Success"])
    await advance(10_000)
    const done = await get(id)
    expect(done.status).toBe("ERRORED")
    expect(done.nodes.map((n) => n.node_status)).toEqual(["Success", "Success", "Errored"])
    expect(done.completion_time).toBeDefined()
    expect(done.instance_execution_time).toBeGreaterThan(0)
    // The list shows the change too.
    const page = (await t.call(`/api/v2/public/execution?status=ERRORED&limit=1000`, { headers: acme })).body as { docs: ReadonlyArray<{ _id: string }> }
    expect(page.docs.map((d) => d._id)).toContain(id)
  })

  it("stops an execution patched to STOPPING on the clock", async () => {
    const id = await insertRunning()
    const patched = await admin(`/__admin/executions/${id}`, json("PATCH", { status: "STOPPING" }))
    expect(patched.status).toBe(200)
    await advance(Lifecycle.STOP_MS)
    const stopped = await get(id)
    expect(stopped.status).toBe("STOPPED")
    expect(stopped.nodes.every((n) => n.node_status === "Success" || n.node_status === "Stopped")).toBe(true)
  })

  it("runs again an execution patched back to RUNNING before its stop took effect (the stop is taken back)", async () => {
    const id = await insertRunning()
    expect((await admin(`/__admin/executions/${id}`, json("PATCH", { status: "STOPPING" }))).status).toBe(200)
    expect((await admin(`/__admin/executions/${id}`, json("PATCH", { status: "RUNNING" }))).status).toBe(200)
    // It runs: its outcome can be forced, and the clock no longer stops it.
    expect((await admin(`/__admin/executions/${id}/outcome`, json("POST", { status: "ERRORED" }))).status).toBe(200)
    await advance(Lifecycle.STOP_MS)
    expect((await get(id)).status).toBe("RUNNING")
    await advance(3_600_000)
    expect((await get(id)).status).toBe("ERRORED")
  })

  it("answers 409 when forcing an execution that does not run, 404 for an unknown one, 400 for a bad outcome or node, 404 for patching an unknown one", async () => {
    const finished = objectId(serial++)
    expect((await admin("/__admin/executions", json("POST", record({ _id: finished })))).status).toBe(201)
    const notRunning = await admin(`/__admin/executions/${finished}/outcome`, json("POST", { status: "ERRORED" }))
    expect(notRunning.status).toBe(409)
    expect((notRunning.body as { message: string }).message).toMatch(/is not running/)
    // An execution that does not exist is not found; a node that cannot end a running one is bad input.
    const unknown = await admin(`/__admin/executions/${objectId(99_998)}/outcome`, json("POST", { status: "ERRORED" }))
    expect(unknown.status).toBe(404)
    expect((unknown.body as { message: string }).message).toMatch(/No execution/)
    const running = objectId(serial++)
    expect((await admin("/__admin/executions", json("POST", record({ _id: running, status: "RUNNING", completion_percentage: 0, nodes })))).status).toBe(201)
    const outOfRange = await admin(`/__admin/executions/${running}/outcome`, json("POST", { status: "ERRORED", node: 99 }))
    expect(outOfRange.status).toBe(400)
    expect((outOfRange.body as { message: string }).message).toMatch(/Invalid node 99 .*from 0 to 2/)
    const completedAt = await admin(`/__admin/executions/${running}/outcome`, json("POST", { status: "COMPLETED", node: 1 }))
    expect(completedAt.status).toBe(400)
    expect((completedAt.body as { message: string }).message).toMatch(/for COMPLETED/)
    const bad = await admin(`/__admin/executions/${finished}/outcome`, json("POST", { status: "BROKEN" }))
    expect(bad.status).toBe(400)
    expect((bad.body as { message: string }).message).toMatch(/expected one of COMPLETED, ERRORED, TIMED_OUT/)
    expect((await admin(`/__admin/executions/${objectId(99_999)}`, json("PATCH", { status: "STOPPING" }))).status).toBe(404)
    const invalid = await admin(`/__admin/executions/${finished}`, json("PATCH", { status: "NOPE" }))
    expect(invalid.status).toBe(400)
    expect((invalid.body as { message: string }).message).toMatch(/Invalid execution/)
    const fixed = await admin(`/__admin/executions/${finished}`, json("PATCH", { createdAt: "2020-01-01T00:00:00.000Z" }))
    expect((fixed.body as { message: string }).message).toMatch(/createdAt cannot change/)
    const duplicate = await admin("/__admin/executions", json("POST", record({ _id: finished })))
    expect((duplicate.body as { message: string }).message).toMatch(/Duplicate/)
  })

  it("reset brings the data set back, and running executions stop moving", async () => {
    const id = await insertRunning()
    expect((await admin("/__admin/reset", { method: "POST" })).status).toBe(200)
    expect((await t.call(`/api/v2/public/execution/${id}`, { headers: acme })).status).toBe(404)
    const clock = (await advance(0)).body as { running: number }
    expect(clock.running).toBe(t.mock.store.executions().filter((r) => r.status === "RUNNING" || r.status === "STOPPING").length)
  })
})

describe("the data set's own running executions", () => {
  it("start again as the data set has them when the app is reset, however far they had run", () => {
    const base = small(50, 3)
    const createdAt = base.executions[0]!.createdAt
    const running = [1, 2, 3].map((n) => record({ _id: objectId(800 + n), createdAt, status: "RUNNING", completion_percentage: 0, nodes: readyNodes(["start", "custom_code", "application", "loop"], 1) }))
    const data = { ...base, executions: [...base.executions, ...running] }
    const mock = createMockApp({ data, clock: { speed: 0 } })
    const original = data.executions.filter((r) => r.status === "RUNNING")
    expect(original.length).toBeGreaterThan(0)
    // Until some have finished nodes, and some still run.
    const moved = () => original.filter((r) => mock.store.find(r._id)!.nodes.some((n, i) => n.node_status !== r.nodes[i]!.node_status))
    for (let t = 0; t < 600 && moved().length === 0; t++) mock.clock.advance(100)
    expect(moved().length).toBeGreaterThan(0)
    expect(mock.lifecycle.size()).toBeGreaterThan(0)
    mock.reset()
    for (const r of original) expect(mock.store.find(r._id)).toEqual(r)
    mock.close()
  })


  it("advance from the app's start and all end within an hour of clock time", () => {
    const mock = createMockApp({ data: small(300, 5), clock: { speed: 0 } })
    const live = () => mock.store.executions().filter((r) => r.status === "RUNNING" || r.status === "STOPPING").length
    expect(live()).toBeGreaterThan(0)
    expect(mock.lifecycle.size()).toBe(live())
    mock.clock.advance(3_600_000)
    expect(live()).toBe(0)
    mock.close()
  })
})

describe("a running clock", () => {
  it("moves executions on its own timers, with no request and no poll in between", async () => {
    // Real time, and runs of quick nodes (tens of ms each) that end within a second: the many timers
    // in a row make it near certain that one runs before `Date.now()` reaches its alarm, which
    // once lost the clock's timer, so that executions moved only when a request came.
    const data = small(20, 5)
    const template = data.executions[0]!
    const runs = Array.from({ length: 1000 }, (_, i) =>
      record({ ...template, _id: objectId(5000 + i), status: "RUNNING", completion_percentage: 0, nodes: nodes.map((n) => ({ ...n, node_type: "custom_code" })) })
    )
    const mock = createMockApp({ data: { ...data, executions: [...data.executions, ...runs] } })
    // Not a TIMED_OUT one among them: that node takes 30 s.
    for (const r of runs) mock.lifecycle.force(r._id, { status: "COMPLETED" })
    const live = () => runs.filter((r) => mock.store.find(r._id)?.status === "RUNNING").length
    expect(live()).toBe(1000)
    const deadline = Date.now() + 10_000
    while (live() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(live()).toBe(0)
    mock.close()
  })
})
