/** The machine a run measures on, for the report's header. */
import * as os from "node:os"

/** CPU model, cores, memory, OS, Node, load at start. */
export const describe = (): ReadonlyArray<readonly [string, string]> => {
  const cpus = os.cpus()
  return [
    ["CPU", cpus[0]?.model.trim() ?? "unknown"],
    ["cores (logical)", String(cpus.length)],
    ["memory", `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ["OS", `${os.type()} ${os.release()} (${os.arch()})`],
    ["Node", process.version],
    ["load average at start (1, 5, 15 min)", os.loadavg().map((l) => l.toFixed(2)).join(", ")]
  ]
}
