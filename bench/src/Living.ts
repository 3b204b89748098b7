/**
 * Data sets for the clock figure: a generated data set whose `running` newest executions are turned
 * back into runs that have just started (RUNNING, every node Ready), so that a mock over it has that
 * many executions advancing on its clock.
 */
import { DataSet, type Fixture } from "@refold-effect/fixtures"

/** `DataSet.generate({ size, seed })` (anchored on `DataSet.bundledAnchor`, so that figures do not move with the day) with its `running` newest executions RUNNING from their first node. */
export const generate = (size: number, seed: number, running: number): Fixture.DataSet => {
  const data = DataSet.generate({ size, seed, anchor: DataSet.bundledAnchor })
  const executions = data.executions.map((r, i): Fixture.Record => {
    if (i < data.executions.length - running) return r
    const { completion_time: _, instance_execution_time: __, ...rest } = r
    return {
      ...rest,
      status: "RUNNING",
      completion_percentage: 0,
      nodes: r.nodes.map((n) => ({ ...n, node_status: "Ready", attempts_made: 0, execution_time: 0 }))
    }
  })
  return { ...data, executions }
}
