/**
 * The routes that change data (stop, rerun, execute) and a batch node's batches, over both
 * transports and against the bundled data set: their answers, the state they leave, tenancy, bad
 * input, and scenarios and the journal on them as on the GETs.
 */
import { ErrorBody } from "@refold-effect/contract"
import type { Fixture } from "@refold-effect/fixtures"
import { describe, expect, it } from "vitest"
import { createMockApp, Lifecycle } from "../src/index.js"
import { asAccount, kinds, useTransport } from "./support/http.js"
import { runScript } from "./support/script.js"

const user = "user_12345"
const other = "markwood@some_email.com"
const headers = asAccount(user)
const execution = "/api/v2/public/execution"
const post = (extra: Record<string, string> = {}, body?: string): RequestInit => ({ method: "POST", headers: { ...headers, ...extra }, ...(body === undefined ? {} : { body }) })

describe.each(kinds)("stop, rerun, execute and batches (%s)", (kind) => {
  // A manual clock: a stop settles, and a synchronous run ends, when the test advances it.
  const t = useTransport(kind, () => createMockApp({ clock: { speed: 0 } }))
  const first = (account: string, test: (r: Fixture.Record) => boolean) => t.mock.store.executions(account).find(test)!

  it("stops a RUNNING execution: STOPPING, then STOPPED on the clock with its unfinished nodes Stopped", async () => {
    const running = first(user, (r) => r.status === "RUNNING" && r.nodes.some((n) => n.node_status === "Ready" || n.node_status === "Waiting"))
    const stopped = await t.call(`${execution}/${running._id}/stop`, post())
    expect(stopped.status).toBe(200)
    expect(stopped.body).toEqual({ message: "Stopping instance" })
    const stopping = await t.call(`${execution}/${running._id}`, { headers })
    expect(stopping.body).toMatchObject({ status: "STOPPING" })
    expect((await t.call(`${execution}/${running._id}`, { headers })).body).toMatchObject({ status: "STOPPING" })
    t.mock.clock.advance(Lifecycle.STOP_MS)
    const after = (await t.call(`${execution}/${running._id}`, { headers })).body as Fixture.Record
    expect(after.status).toBe("STOPPED")
    expect(after.completion_time).toBeDefined()
    expect(after.nodes.map((n) => n.node_status)).not.toContain("Ready")
    expect(after.nodes.map((n) => n.node_status)).toContain("Stopped")
    const listed = (await t.call(`${execution}?status=STOPPED&limit=1000`, { headers })).body as { docs: Array<{ _id: string }> }
    expect(listed.docs.map((d) => d._id)).toContain(running._id)
    const runningNow = (await t.call(`${execution}?status=RUNNING&limit=1000`, { headers })).body as { docs: Array<{ _id: string }> }
    expect(runningNow.docs.map((d) => d._id)).not.toContain(running._id)
  })

  it("acknowledges a stop of a finished execution the same way, and leaves it as it was", async () => {
    const done = first(user, (r) => r.status === "COMPLETED")
    const before = (await t.call(`${execution}/${done._id}`, { headers })).text
    expect((await t.call(`${execution}/${done._id}/stop`, post())).body).toEqual({ message: "Stopping instance" })
    expect((await t.call(`${execution}/${done._id}`, { headers })).text).toBe(before)
  })

  it("reruns an ERRORED execution as a new RUNNING one at the head of the list, leaving the original unchanged", async () => {
    const failed = first(user, (r) => r.status === "ERRORED")
    const before = (await t.call(`${execution}/${failed._id}`, { headers })).text
    const reply = await t.call(`${execution}/${failed._id}/rerun`, post())
    expect(reply.status).toBe(200)
    const { status, id } = reply.body as { status: string; id: string }
    expect(status).toBe("success")
    expect(id).toMatch(/^[0-9a-f]{24}$/)
    expect(id).not.toBe(failed._id)
    const head = (await t.call(`${execution}?limit=1`, { headers })).body as { docs: Array<{ _id: string; status: string }> }
    expect(head.docs[0]).toMatchObject({ _id: id, status: "RUNNING" })
    const rerun = (await t.call(`${execution}/${id}`, { headers })).body as Fixture.Record
    expect(rerun).toMatchObject({ status: "RUNNING", associated_workflow: failed.associated_workflow, trigger_application_event: failed.trigger_application_event })
    expect(rerun.nodes[0]!.input_data).toEqual(failed.nodes[0]!.input_data)
    expect((await t.call(`${execution}/${failed._id}`, { headers })).text).toBe(before)
  })

  it("refuses to rerun a COMPLETED or RUNNING execution with a 409 naming its status", async () => {
    for (const s of ["COMPLETED", "RUNNING"]) {
      const r = first(user, (x) => x.status === s)
      const reply = await t.call(`${execution}/${r._id}/rerun`, post())
      expect(reply.status).toBe(409)
      expect((reply.body as { message: string }).message).toContain(`is ${s}`)
    }
  })

  it("executes a workflow: a RUNNING execution of source API Call, or, with sync_execution, the result once it ends on the clock", async () => {
    const template = first(user, (r) => r.associated_workflow !== undefined)
    const workflow = template.associated_workflow!._id!
    const slug = template.associated_application!.slug!
    const reply = await t.call(`/api/v2/public/workflow/${workflow}/execute`, post({ slug, "content-type": "application/json" }, '{"payload":{"email":"jane@example.com"}}'))
    expect(reply.status).toBe(200)
    const started = reply.body as { message: string; execution_id: string }
    expect(started.message).toBe("Workflow execution started")
    const record = (await t.call(`${execution}/${started.execution_id}`, { headers })).body as Fixture.Record
    expect(record).toMatchObject({ status: "RUNNING", trigger_application_event: "API Call", associated_workflow: { _id: workflow } })
    expect(record.nodes[0]!.input_data).toEqual({ email: "jane@example.com" })
    const apiCalls = (await t.call(`${execution}?execution_source=API_CALL&limit=1`, { headers })).body as { docs: Array<{ _id: string }> }
    expect(apiCalls.docs[0]!._id).toBe(started.execution_id)
    const answered = t.call(`/api/v2/public/workflow/${workflow}/execute`, post({ slug, sync_execution: "true" }))
    let run: Fixture.Record | undefined
    while (run === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 5))
      run = t.mock.store.executions().find((r) => r.type_of_execution === "SYNC" && r.status === "RUNNING" && r.trigger_application_event === "API Call")
    }
    t.mock.lifecycle.force(run._id, { status: "COMPLETED" })
    t.mock.clock.advance(3_600_000)
    const sync = await answered
    const result = sync.body as { execution_id: string; errored: boolean; status_code: number }
    expect(result).toMatchObject({ errored: false, status_code: 200 })
    expect((await t.call(`${execution}/${result.execution_id}`, { headers })).body).toMatchObject({ status: "COMPLETED", type_of_execution: "SYNC" })
  })

  it("stores execute's instance_tag header on the new execution: get and list show it; an untagged run has none", async () => {
    const template = first(user, (r) => r.associated_workflow !== undefined)
    const workflow = template.associated_workflow!._id!
    const slug = template.associated_application!.slug!
    const tagged = (await t.call(`/api/v2/public/workflow/${workflow}/execute`, post({ slug, instance_tag: "order-4711" }))).body as { execution_id: string }
    const untagged = (await t.call(`/api/v2/public/workflow/${workflow}/execute`, post({ slug }))).body as { execution_id: string }
    expect((await t.call(`${execution}/${tagged.execution_id}`, { headers })).body).toMatchObject({ _id: tagged.execution_id, instance_tag: "order-4711" })
    expect((await t.call(`${execution}/${untagged.execution_id}`, { headers })).body).not.toHaveProperty("instance_tag")
    const listed = (await t.call(`${execution}?execution_source=API_CALL&limit=2`, { headers })).body as { docs: Array<{ _id: string; instance_tag?: string }> }
    expect(listed.docs.find((d) => d._id === tagged.execution_id)?.instance_tag).toBe("order-4711")
  })

  it("answers the execute page's 400 without a slug, and a 404 for a workflow of another app or account", async () => {
    const template = first(user, (r) => r.associated_workflow !== undefined)
    const workflow = template.associated_workflow!._id!
    const missing = await t.call(`/api/v2/public/workflow/${workflow}/execute`, post())
    expect(missing.status).toBe(400)
    expect(missing.body).toMatchObject({ ...ErrorBody.missingSlug, status_code: 400 })
    const wrongApp = await t.call(`/api/v2/public/workflow/${workflow}/execute`, post({ slug: "no-such-app" }))
    expect(wrongApp.status).toBe(404)
    const theirs = first(other, (r) => !t.mock.store.executions(user).some((u) => u.associated_workflow?._id === r.associated_workflow?._id))
    const elsewhere = await t.call(`/api/v2/public/workflow/${theirs.associated_workflow!._id}/execute`, post({ slug: theirs.associated_application!.slug! }))
    expect(elsewhere.status).toBe(404)
  })

  it("pages a batch node's batches, filters them by status, and answers 501 for a node that is not a batch node", async () => {
    const withBatch = first(user, (r) => r.nodes.some((n) => n.is_batch && n.node_status === "Success"))
    const node = withBatch.nodes.find((n) => n.is_batch && n.node_status === "Success")!
    const page = await t.call(`${execution}/${withBatch._id}/nodes/${node.node_id}/batches?limit=3`, { headers })
    expect(page.status).toBe(200)
    expect(page.body).toMatchObject({ totalDocs: 4, limit: 3, page: 1, totalPages: 2, hasNextPage: true })
    expect((page.body as { docs: Array<{ batch_index: number; status: string }> }).docs.map((b) => [b.batch_index, b.status])).toEqual([[0, "Success"], [1, "Success"], [2, "Success"]])
    const none = await t.call(`${execution}/${withBatch._id}/nodes/${node.node_id}/batches?status=Errored`, { headers })
    expect(none.body).toMatchObject({ totalDocs: 0, docs: [] })
    const plain = withBatch.nodes.find((n) => !n.is_batch)!
    const refused = await t.call(`${execution}/${withBatch._id}/nodes/${plain.node_id}/batches`, { headers })
    expect(refused.status).toBe(501)
    const [status, code, message] = ErrorBody.documented.batchesNotImplemented
    expect(refused.body).toMatchObject({ status_code: status, error_code: code, message })
    const unknownNode = await t.call(`${execution}/${withBatch._id}/nodes/99/batches`, { headers })
    expect(unknownNode.status).toBe(404)
    expect((await t.call(`${execution}/${withBatch._id}/nodes/${node.node_id}/batches?limit=0`, { headers })).status).toBe(400)
  })

  it("checks the batches query before looking for the node: a bad query is a 400 whatever the node", async () => {
    const withBatch = first(user, (r) => r.nodes.some((n) => n.is_batch) && r.nodes.some((n) => !n.is_batch))
    const plain = withBatch.nodes.find((n) => !n.is_batch)!
    // A status is free text (new node statuses must not break a filter), of at most 64 characters.
    const tooLong = "S".repeat(65)
    for (const path of [
      `${execution}/${withBatch._id}/nodes/${plain.node_id}/batches?status=${tooLong}`,
      `${execution}/${withBatch._id}/nodes/99/batches?status=${tooLong}`,
      `${execution}/000000000000000000000000/nodes/1/batches?limit=0`
    ]) {
      const reply = await t.call(path, { headers })
      expect([path, reply.status]).toEqual([path, 400])
      expect(reply.body).toMatchObject({ error_code: "INVALID_QUERY_PARAMETER" })
    }
    // A valid query then meets the node as before.
    expect((await t.call(`${execution}/${withBatch._id}/nodes/${plain.node_id}/batches?status=Success`, { headers })).status).toBe(501)
  })

  it("answers 501 for the batches of an execution run by Thanos (the OpenAPI document's reading)", async () => {
    const withBatch = first(user, (r) => r.nodes.some((n) => n.is_batch) && r.status === "COMPLETED")
    t.mock.store.update(withBatch._id, { executed_by_thanos: true })
    const node = withBatch.nodes.find((n) => n.is_batch)!
    expect((await t.call(`${execution}/${withBatch._id}/nodes/${node.node_id}/batches`, { headers })).status).toBe(501)
  })

  it("keeps another account's executions out of reach: a 404, like an unknown id", async () => {
    const theirs = first(other, (r) => r.status === "RUNNING" || r.status === "ERRORED")
    for (const path of [`${execution}/${theirs._id}/stop`, `${execution}/${theirs._id}/rerun`, `${execution}/000000000000000000000000/stop`, `${execution}/000000000000000000000000/rerun`]) {
      const reply = await t.call(path, post())
      expect(reply.status).toBe(404)
      expect(reply.body).toMatchObject({ error_code: "RESOURCE_NOT_FOUND", message: "Execution not found" })
    }
    expect((await t.call(`${execution}/${theirs._id}/nodes/1/batches`, { headers })).status).toBe(404)
    expect(t.mock.store.find(theirs._id)).toBe(theirs)
  })

  it.each(["stop", "rerun"])("answers bad input to %s with a vendor-shaped 4xx naming the problem", async (action) => {
    const id = first(user, (r) => r.status === "ERRORED")._id
    const malformed = await t.call(`${execution}/not-an-id/${action}`, post())
    expect(malformed.status).toBe(400)
    expect((malformed.body as { message: string }).message).toContain('Invalid path parameter "execution_id"')
    const notJson = await t.call(`${execution}/${id}/${action}`, post({ "content-type": "application/json" }, "{not json"))
    expect(notJson.status).toBe(400)
    expect((notJson.body as { message: string }).message).toMatch(/^Invalid JSON body/)
    const huge = await t.call(`${execution}/${id}/${action}`, post({ "content-type": "application/json" }, `"${"x".repeat(10 * 1024 * 1024)}"`))
    expect(huge.status).toBe(413)
    expect((huge.body as { message: string }).message).toContain("larger than")
    expect((await t.call(`${execution}/${id}/${action}`, { method: "POST" })).status).toBe(401)
  })

  it("answers bad input to execute with a vendor-shaped 4xx naming the problem", async () => {
    const template = first(user, (r) => r.associated_workflow !== undefined)
    const url = `/api/v2/public/workflow/${template.associated_workflow!._id}/execute`
    const slug = template.associated_application!.slug!
    const cases: ReadonlyArray<readonly [string, RequestInit, number, RegExp]> = [
      ["/api/v2/public/workflow/nope/execute", post({ slug }), 400, /"workflow_id"/],
      [url, post({ slug }, "{oops"), 400, /^Invalid JSON body/],
      [url, post({ slug }, "[1,2]"), 400, /expected a JSON object/],
      [url, post({ slug, sync_execution: "yes" }), 400, /"sync_execution"/],
      [url, post({ slug }, `{"payload":"${"x".repeat(10 * 1024 * 1024)}"}`), 413, /larger than/]
    ]
    for (const [path, init, status, message] of cases) {
      const reply = await t.call(path, init)
      expect({ path, status: reply.status }).toEqual({ path, status })
      expect((reply.body as { message: string }).message).toMatch(message)
    }
  })

  it("applies scenarios and journals the new routes as the GETs", async () => {
    t.mock.reset() // the data set's running executions again: an earlier test ran the clock past their ends
    const running = first(user, (r) => r.status === "RUNNING")
    const example = await t.call(`${execution}/${running._id}/stop`, post({ prefer: "example=seed" }))
    expect(example.body).toEqual({ message: "Stopping instance" })
    expect(t.mock.store.find(running._id)!.status).toBe("RUNNING")
    const limited = await t.call(`${execution}/${running._id}/rerun?__code=429`, post())
    expect(limited.status).toBe(429)
    expect(limited.headers.get("retry-after")).toBe("1")
    const unknown = await t.call(`${execution}/${running._id}/stop`, post({ prefer: "example=nope" }))
    expect((unknown.body as { message: string }).message).toContain("is not an example of POST /api/v2/public/execution/:execution_id/stop; it has seed")
    expect(t.mock.journal.count({ method: "POST", urlPath: `${execution}/${running._id}/stop` })).toBe(2)
  })
})

describe("a synchronous execute in a script of its own (in-process, no socket)", () => {
  // The clock's timers never keep a process alive (running executions would keep it forever), so
  // the awaited answer itself must, or Node exits (code 13) before the run ends.
  it("keeps the process alive until the run ends and answers", async () => {
    const run = await runScript(`
      import { createMockApp } from "@refold-effect/mock"
      const mock = createMockApp({ clock: { speed: 100 } })
      const response = await mock.fetch(new Request("http://mock${execution.replace("execution", "workflow")}/6a106ba44480b80424a65289/execute", {
        method: "POST", body: "{}",
        headers: { "x-api-key": "tk", linked_account_id: "${user}", slug: "hubspot", sync_execution: "true", "content-type": "application/json" }
      }))
      const body = await response.json()
      console.log("answered", response.status, typeof body.errored)
      mock.close()`)
    expect(run).toEqual({ code: 0, output: "answered 200 boolean\n" })
  }, 120_000)
})
