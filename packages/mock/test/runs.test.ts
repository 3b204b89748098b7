/**
 * What a run the mock starts (execute, rerun) carries, in-process and over TCP on a manual clock:
 * no field of the run it repeats that belongs to that run, the nodes' inputs and outputs as they
 * finish (the synchronous answer's `return_value`, a failed node's error output), and one timeline
 * from `createdAt` to `completion_time` that the node times add up to.
 */
import type { Fixture } from "@refold-effect/fixtures"
import { describe, expect, it } from "vitest"
import { createMockApp, type MockApp } from "../src/index.js"
import { accounts, objectId, record } from "./support/data.js"
import { asAccount, kinds, useTransport } from "./support/http.js"

const acme = asAccount(accounts.acme.linked_account_id)
const workflow = "64f7258e35b72267edc02589"

const node = (id: string, type: string, output: unknown): Fixture.Node => ({
  node_id: id,
  node_name: `${type} ${id}`,
  node_type: type,
  node_status: "Success",
  is_batch: false,
  attempts_made: 1,
  maximum_attempts: 2,
  execution_time: 700,
  input_data: { from: id },
  latest_output: output
})

/** A finished run of the workflow, with an `instance_execution_time` of its own and outputs on every node. */
const template = record({
  _id: objectId(1),
  createdAt: "2024-03-01T12:00:00.000Z",
  completion_time: "2024-03-01T12:00:09.000Z",
  instance_execution_time: 9000,
  status: "STOPPED",
  nodes: [node("1", "start", { started: true }), node("2", "application", { count: 187 }), node("3", "custom_code", { created: 12 })]
})

type Wire = Fixture.Record & { readonly instance_execution_time?: number }

describe.each(kinds)("runs the mock starts (%s)", (kind) => {
  const t = useTransport(kind, () => createMockApp({ data: { accounts: Object.values(accounts), executions: [template] }, clock: { speed: 0 } }))
  const mock = (): MockApp => t.mock
  const get = async (id: string) => (await t.call(`/api/v2/public/execution/${id}`, { headers: acme })).body as unknown as Wire
  const execute = async (headers: Record<string, string> = {}) =>
    (await t.call(`/api/v2/public/workflow/${workflow}/execute`, { method: "POST", headers: { ...acme, slug: "slack", "content-type": "application/json", ...headers }, body: JSON.stringify({ payload: { a: 1 } }) })).body as { execution_id: string }

  it("starts a run with no instance_execution_time nor completion_time of the run it repeats", async () => {
    const { execution_id } = await execute()
    const started = await get(execution_id)
    expect(started.status).toBe("RUNNING")
    expect(started).not.toHaveProperty("instance_execution_time")
    expect(started).not.toHaveProperty("completion_time")
    const rerun = (await t.call(`/api/v2/public/execution/${template._id}/rerun`, { method: "POST", headers: acme })).body as { id: string }
    expect(await get(rerun.id)).not.toHaveProperty("instance_execution_time")
  })

  it("starts with no node done, and the node times add up to instance_execution_time", async () => {
    const { execution_id } = await execute()
    const started = await get(execution_id)
    expect(started.completion_percentage).toBe(0)
    expect(started.nodes.map((n) => n.node_status)).toEqual(["Ready", "Ready", "Ready"])
    expect(started.nodes[0]!.input_data).toEqual({ a: 1 })
    mock().lifecycle.force(execution_id, { status: "COMPLETED" })
    mock().clock.advance(60_000)
    const done = await get(execution_id)
    expect(done.status).toBe("COMPLETED")
    const total = done.nodes.reduce((sum, n) => sum + n.execution_time, 0)
    expect(done.instance_execution_time).toBe(Date.parse(done.completion_time!) - Date.parse(done.createdAt))
    expect(total).toBe(done.instance_execution_time)
    expect(total).toBeGreaterThan(0)
  })

  it("writes each finished node's input and output, and answers a sync execute with the last node's output", async () => {
    const pending = execute({ sync_execution: "true" })
    // The run is created before the answer: find it, force it, move the clock.
    await new Promise((r) => setTimeout(r, 20))
    const id = [...mock().store.executions()].filter((r) => r.status === "RUNNING").map((r) => r._id).sort().at(-1)!
    mock().lifecycle.force(id, { status: "COMPLETED" })
    mock().clock.advance(60_000)
    const answer = (await pending) as unknown as { return_value: unknown; errored: boolean }
    expect(answer.errored).toBe(false)
    expect(answer.return_value).toEqual({ created: 12 })
    const done = await get(id)
    expect(done.nodes.map((n) => n.latest_output)).toEqual([{ started: true }, { count: 187 }, { created: 12 }])
    expect(done.nodes.map((n) => n.input_data)).toEqual([{ a: 1 }, { from: "2" }, { from: "3" }])
  })

  it("gives an ERRORED node and a TIMED_OUT one an error output", async () => {
    const errored = await execute()
    mock().lifecycle.force(errored.execution_id, { status: "ERRORED", node: 1 })
    const timedOut = await execute()
    mock().lifecycle.force(timedOut.execution_id, { status: "TIMED_OUT", node: 2 })
    mock().clock.advance(120_000)
    const e = await get(errored.execution_id)
    expect(e.status).toBe("ERRORED")
    expect(e.nodes[1]).toMatchObject({ node_status: "Errored", latest_output: { error: expect.stringMatching(/application 2.*2 attempts/) } })
    expect(e.nodes[2]).not.toHaveProperty("latest_output")
    const o = await get(timedOut.execution_id)
    expect(o.nodes[2]).toMatchObject({ node_status: "Timed_Out", latest_output: { error: "Node did not finish within 30000 ms" } })
  })
})
