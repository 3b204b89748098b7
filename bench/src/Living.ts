/**
 * Data sets for the clock figure: executions turned back into runs that have just started
 * (RUNNING, every node Ready), so that a mock over them has that many executions advancing on its
 * clock, and a way to keep them running for as long as a measurement lasts.
 */
import { DataSet, type Fixture } from "@refold-effect/fixtures"
import type { MockApp } from "@refold-effect/mock"

/** `record` as a run that has just started: RUNNING from its first node, nothing finished. */
export const restart = (record: Fixture.Record): Fixture.Record => {
  const { completion_time: _, instance_execution_time: __, ...rest } = record
  return {
    ...rest,
    status: "RUNNING",
    completion_percentage: 0,
    nodes: record.nodes.map((n) => ({ ...n, node_status: "Ready", attempts_made: 0, execution_time: 0 }))
  }
}

/**
 * The bundled data set (figure 1's) plus `running` executions of `account` that have just started:
 * copies of the account's own executions with new ids, created now.
 */
export const bundledWith = (running: number, account = "user_12345"): Fixture.DataSet => {
  const data = DataSet.bundled()
  const own = data.executions.filter((r) => r.linked_account_id === account)
  const createdAt = new Date().toISOString()
  const started = Array.from({ length: running }, (_, i) => ({
    ...restart(own[i % own.length]!),
    _id: `f0${i.toString(16).padStart(22, "0")}`,
    createdAt,
    updatedAt: createdAt
  }))
  return { ...data, executions: [...data.executions, ...started] }
}

/**
 * Starts every execution of `mock` that runs now again as soon as it ends, so that as many run at
 * the end of a measurement as at its start. Each starts again as the record it was when this was
 * called (a stopping one as just started): one object per execution, so that what the mock caches
 * per record (its bytes) serves every start of it, as it would for new executions that look alike.
 * Returns how many runs were started again so far.
 */
export const keepRunning = (mock: MockApp): (() => number) => {
  let restarts = 0
  const live = mock.store.executions().filter((r) => r.status === "RUNNING" || r.status === "STOPPING")
  const started = new Map(live.map((r) => [r._id, r.status === "RUNNING" ? r : restart(r)]))
  mock.lifecycle.onTransition(({ execution, to }) => {
    if (to === "RUNNING" || to === "STOPPING") return
    const again = started.get(execution._id)
    if (again === undefined) return
    restarts++
    // After the lifecycle has finished applying its events: a listener must not re-enter it.
    setImmediate(() => {
      mock.store.update(again._id, () => again)
      mock.lifecycle.observe(again)
    })
  })
  return () => restarts
}

/** `DataSet.generate({ size, seed })` (anchored on `DataSet.bundledAnchor`, so that figures do not move with the day) with its `running` newest executions RUNNING from their first node. */
export const generate = (size: number, seed: number, running: number): Fixture.DataSet => {
  const data = DataSet.generate({ size, seed, anchor: DataSet.bundledAnchor })
  const executions = data.executions.map((r, i): Fixture.Record => (i < data.executions.length - running ? r : restart(r)))
  return { ...data, executions }
}
