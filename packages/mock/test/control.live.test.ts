/**
 * Stop, rerun and execute over time: the API's POST routes on a manual clock, in-process. A stop
 * reads STOPPING until the clock moves, a rerun and an executed run advance like any execution, and
 * `sync_execution: true` answers when the run ends on the clock, as an `InstanceExecutionResult`.
 */
import { Execute } from "@refold-effect/contract"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { createMockApp } from "../src/index.js"
import * as Lifecycle from "../src/Lifecycle.js"

const API = "http://mock.test/api/v2/public"
const headers = { "x-api-key": "YOUR_API_KEY", linked_account_id: "user_12345" }
const WORKFLOW = "64f7258e35b72267edc02589"

const setup = () => {
  const mock = createMockApp({ clock: { speed: 0 } })
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await mock.fetch(new Request(`${API}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } }))
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }
  const status = async (id: string) => (await call(`/execution/${id}`)).body.status
  const execute = (extra: Record<string, string> = {}) =>
    call(`/workflow/${WORKFLOW}/execute`, { method: "POST", headers: { slug: "slack", "content-type": "application/json", ...extra }, body: JSON.stringify({ payload: { email: "jane@example.com" } }) })
  return { mock, call, status, execute }
}

const decodeResult = Schema.decodeUnknownSync(Execute.Result)

describe("stop, rerun and execute on the clock", () => {
  it("a stopped execution reads STOPPING until the clock moves on, then STOPPED", async () => {
    const { mock, call, status, execute } = setup()
    const started = await execute()
    const id = started.body.execution_id as string
    expect(await status(id)).toBe("RUNNING")
    expect((await call(`/execution/${id}/stop`, { method: "POST" })).status).toBe(200)
    expect(await status(id)).toBe("STOPPING")
    expect(await status(id)).toBe("STOPPING") // requests alone do not settle it
    mock.clock.advance(Lifecycle.STOP_MS)
    expect(await status(id)).toBe("STOPPED")
    mock.close()
  })

  it("an executed run and a rerun advance on the clock to their end", async () => {
    const { mock, call, status, execute } = setup()
    const id = (await execute()).body.execution_id as string
    mock.lifecycle.force(id, { status: "ERRORED" })
    mock.clock.advance(3_600_000)
    expect(await status(id)).toBe("ERRORED")
    const rerun = await call(`/execution/${id}/rerun`, { method: "POST" })
    const again = rerun.body.id as string
    expect(await status(again)).toBe("RUNNING")
    mock.lifecycle.force(again, { status: "COMPLETED" })
    mock.clock.advance(3_600_000)
    const done = (await call(`/execution/${again}`)).body
    expect(done.status).toBe("COMPLETED")
    expect(done.completion_percentage).toBe(100)
    mock.close()
  })

  it("sync_execution: true answers when the run ends on the clock, with the InstanceExecutionResult", async () => {
    const { mock, execute } = setup()
    let answered = false
    const pending = execute({ sync_execution: "true" }).then((r) => {
      answered = true
      return r
    })
    await new Promise((r) => setTimeout(r, 20))
    expect(answered).toBe(false)
    const run = mock.store.executions().find((r) => r.type_of_execution === "SYNC" && r.status === "RUNNING" && r.execution_source === "API Call")!
    mock.lifecycle.force(run._id, { status: "COMPLETED" })
    mock.clock.advance(3_600_000)
    const { status, body } = await pending
    expect(status).toBe(200)
    const result = decodeResult(body)
    expect(result).toMatchObject({ execution_id: run._id, errored: false, status_code: 200 })
    expect(mock.store.find(run._id)!.status).toBe("COMPLETED")
    mock.close()
  })

  it("a synchronous run that errs answers errored with the failed node's error", async () => {
    const { mock, execute } = setup()
    const pending = execute({ sync_execution: "true" })
    await new Promise((r) => setTimeout(r, 20))
    const run = mock.store.executions().find((r) => r.type_of_execution === "SYNC" && r.status === "RUNNING" && r.execution_source === "API Call")!
    mock.lifecycle.force(run._id, { status: "ERRORED", node: run.nodes.length - 1 })
    mock.clock.advance(3_600_000)
    const result = decodeResult((await pending).body)
    expect(result.errored).toBe(true)
    expect(result.status_code).toBe(500)
    expect(result.execution_error).toMatchObject({ status: "ERRORED", node_id: run.nodes[run.nodes.length - 1]!.node_id })
    mock.close()
  })

  it("a synchronous caller still waiting when the app is reset gets the run as it stood", async () => {
    const { mock, execute } = setup()
    const pending = execute({ sync_execution: "true" })
    await new Promise((r) => setTimeout(r, 20))
    mock.reset()
    const { status, body } = await pending
    expect(status).toBe(200)
    expect(decodeResult(body).errored).toBe(true)
    mock.close()
  })
})
