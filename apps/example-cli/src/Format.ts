/**
 * Plain-text rendering of executions for a terminal: pure functions from the SDK's types to lines,
 * so that every command prints the same way and tests can compare against the fixtures.
 *
 * @since 0.1.0
 */
import type { Execution } from "@refold-effect/sdk"

/** A column of a table: its heading and width (the last column is never padded nor cut). */
interface Column {
  readonly heading: string
  readonly width: number
}

/** `text` cut to `width` characters (with an ellipsis) or padded to it. */
const fit = (text: string, width: number): string =>
  text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width)

/** One line of a table: every cell but the last fitted to its column, two spaces between. */
const row = (columns: ReadonlyArray<Column>, cells: ReadonlyArray<string>): string =>
  cells.map((cell, i) => (i === cells.length - 1 ? cell : fit(cell, columns[i]!.width))).join("  ").trimEnd()

/**
 * An API timestamp as `YYYY-MM-DD HH:MM:SS` (UTC), or the text as sent when it is not a date; `-`
 * when absent.
 */
export const timestamp = (iso: string | undefined): string => {
  if (iso === undefined) return "-"
  const time = Date.parse(iso)
  return Number.isNaN(time) ? iso : new Date(time).toISOString().slice(0, 19).replace("T", " ")
}

// Fixed widths, so that rows streamed page after page (`list --all`) line up without buffering.
const listColumns: ReadonlyArray<Column> = [
  { heading: "ID", width: 24 },
  { heading: "CREATED (UTC)", width: 19 },
  { heading: "STATUS", width: 9 },
  { heading: "APP", width: 20 },
  { heading: "WORKFLOW", width: 0 }
]

/** The heading line of the executions table. */
export const listHeader: string = row(listColumns, listColumns.map((c) => c.heading))

/** One execution as a line of the executions table: id, created, status, app, workflow. */
export const listRow = (execution: Execution.Summary): string =>
  row(listColumns, [
    execution._id,
    timestamp(execution.createdAt),
    execution.status,
    execution.associated_application?.name ?? "-",
    execution.associated_workflow?.name ?? "-"
  ])

/** What one page of a list covers, such as `Page 1 of 18 · executions 1–10 of 175 · next: --page 2`. */
export const pageFooter = (page: {
  readonly page?: number | undefined
  readonly totalPages: number
  readonly totalDocs: number
  readonly docs: ReadonlyArray<unknown>
  readonly pagingCounter?: number | undefined
  readonly nextPage?: number | null | undefined
}): string => {
  const first = page.pagingCounter ?? 1
  const shown = page.docs.length === 0 ? "no executions" : `executions ${first}–${first + page.docs.length - 1}`
  const next = page.nextPage === undefined || page.nextPage === null ? "" : ` · next: --page ${page.nextPage}, or --all for every page`
  return `Page ${page.page ?? 1} of ${Math.max(page.totalPages, 1)} · ${shown} of ${page.totalDocs}${next}`
}

/** `n` executions, in words. */
export const count = (n: number): string => (n === 1 ? "1 execution" : `${n} executions`)

const nodeColumns = (nodes: ReadonlyArray<Execution.Node>): ReadonlyArray<Column> => {
  const headings = ["#", "NODE", "TYPE", "STATUS", "ATTEMPTS", "TIME"]
  const widths = headings.map((h) => h.length)
  for (const cells of nodes.map(nodeCells)) cells.forEach((cell, i) => (widths[i] = Math.max(widths[i]!, cell.length)))
  return headings.map((heading, i) => ({ heading, width: widths[i]! }))
}

const nodeCells = (node: Execution.Node): ReadonlyArray<string> => [
  node.node_id,
  node.node_name,
  node.node_type,
  node.node_status,
  node.maximum_attempts === undefined ? String(node.attempts_made) : `${node.attempts_made}/${node.maximum_attempts}`,
  `${node.execution_time} ms`
]

/** Label and value lines, the labels padded to one width. */
const fields = (entries: ReadonlyArray<readonly [string, string | undefined]>): Array<string> => {
  const shown = entries.filter((e): e is readonly [string, string] => e[1] !== undefined)
  const width = Math.max(...shown.map(([label]) => label.length))
  return shown.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)
}

/** One execution and a table of its nodes, as `get` prints it. */
export const detail = (execution: Execution.Detail, executionId: string): ReadonlyArray<string> => {
  const kind = [execution.environment, execution.type_of_execution, execution.trigger_application_event].filter((s) => s !== undefined)
  const columns = nodeColumns(execution.nodes)
  return [
    `Execution ${execution._id ?? executionId}`,
    ...fields([
      ["Name", execution.name],
      ["Status", `${execution.status} (${execution.completion_percentage}%)`],
      ["Application", execution.associated_application?.name],
      ["Workflow", execution.associated_workflow?.name],
      ["Environment", kind.join(" · ")],
      ["Created", execution.createdAt === undefined ? undefined : `${timestamp(execution.createdAt)} UTC`],
      ["Completed", execution.completion_time === undefined ? undefined : `${timestamp(execution.completion_time)} UTC`]
    ]),
    "",
    execution.nodes.length === 0 ? "No nodes." : `Nodes (${execution.nodes.length})`,
    ...(execution.nodes.length === 0
      ? []
      : [row(columns, columns.map((c) => c.heading)), ...execution.nodes.map((node) => row(columns, nodeCells(node)))].map((l) => `  ${l}`))
  ]
}

/** The nodes that are done, successfully or not (neither `Ready` nor `Waiting`). */
const settled = (nodes: ReadonlyArray<Execution.Node>) => nodes.filter((n) => n.node_status !== "Ready" && n.node_status !== "Waiting").length

const headline = (execution: Execution.Detail) =>
  `${execution.status} ${String(execution.completion_percentage).padStart(3)}% · ${settled(execution.nodes)}/${execution.nodes.length} nodes done`

/**
 * The progress line `watch` prints for a new snapshot of an execution, or `undefined` when nothing
 * that it shows changed since the previous one: the first snapshot lists every node's status,
 * later ones only the nodes whose status changed.
 */
export const progress = (previous: Execution.Detail | undefined, next: Execution.Detail): string | undefined => {
  if (previous === undefined) {
    const nodes = next.nodes.map((n) => `${n.node_name}: ${n.node_status}`).join(", ")
    return nodes === "" ? headline(next) : `${headline(next)} · ${nodes}`
  }
  const before = new Map(previous.nodes.map((n) => [n.node_id, n.node_status]))
  const changed = next.nodes
    .filter((n) => before.get(n.node_id) !== n.node_status)
    .map((n) => `${n.node_name}: ${before.get(n.node_id) ?? "new"} → ${n.node_status}`)
  if (changed.length === 0 && previous.status === next.status && previous.completion_percentage === next.completion_percentage) {
    return undefined
  }
  return changed.length === 0 ? headline(next) : `${headline(next)} · ${changed.join(", ")}`
}

/** How many characters wide the bar of {@link bar} is. */
export const BAR_WIDTH = 20

/**
 * The progress bar `run` prints for each snapshot of an execution:
 * `[########------------]  40% RUNNING · 2/5 nodes done` (`completion_percentage`, clamped to 0–100).
 */
export const bar = (execution: Execution.Detail): string => {
  const percent = Math.min(100, Math.max(0, execution.completion_percentage))
  const filled = Math.round((percent / 100) * BAR_WIDTH)
  return `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}% ${execution.status} · ${settled(execution.nodes)}/${execution.nodes.length} nodes done`
}

/** The first node that failed, with what it reported, for the message of an unsuccessful run. */
export const failedNode = (execution: Execution.Detail): string | undefined => {
  const node = execution.nodes.find((n) => ["Errored", "Timed_Out", "Rejected", "Stopped"].includes(n.node_status))
  if (node === undefined) return undefined
  const output = node.latest_output
  const reason =
    typeof output === "object" && output !== null && "error" in output && typeof output.error === "string" ? `: ${output.error}` : ""
  return `node ${JSON.stringify(node.node_name)} ${node.node_status}${reason}`
}
