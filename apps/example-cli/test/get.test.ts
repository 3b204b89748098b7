/** `get` against the mock in-process: one fixture execution and its nodes. */
import { describe, expect, it } from "@effect/vitest"
import { RefoldMock } from "@refold-effect/mock"
import { Effect } from "effect"
import { Format } from "../src/index.js"
import { API_KEY, lines, run } from "./support/Cli.js"
import * as Fixtures from "./support/Fixtures.js"

/** A fresh in-process mock per test, serving the bundled fixtures. */
const mock = RefoldMock.layer({ fixtures: Fixtures.data })

describe("get", () => {
  it.effect("prints the execution and a table of its nodes", () =>
    Effect.gen(function*() {
      const record = Fixtures.withStatus("ERRORED")
      const { exitCode, stderr, stdout } = yield* run(["get", record._id])
      expect(exitCode).toBe(0)
      expect(stderr).toBe("")
      const out = lines(stdout)
      expect(out[0]).toBe(`Execution ${record._id}`)
      expect(out).toContain(`  Name         ${record.name}`)
      expect(out).toContain(`  Status       ERRORED (${record.completion_percentage}%)`)
      expect(out).toContain(`  Created      ${Format.timestamp(record.createdAt)} UTC`)
      expect(out).toContain(`Nodes (${record.nodes.length})`)
      const nodeRows = out.slice(out.indexOf(`Nodes (${record.nodes.length})`) + 2)
      expect(nodeRows).toHaveLength(record.nodes.length)
      nodeRows.forEach((row, i) => {
        const node = record.nodes[i]!
        expect(row.trim().split(/\s{2,}/)).toEqual([
          node.node_id,
          node.node_name,
          node.node_type,
          node.node_status,
          node.maximum_attempts === undefined ? String(node.attempts_made) : `${node.attempts_made}/${node.maximum_attempts}`,
          `${node.execution_time} ms`
        ])
      })
    }).pipe(Effect.provide(mock)))

  it.effect("--json prints the execution as the API returned it", () =>
    Effect.gen(function*() {
      const record = Fixtures.withStatus("COMPLETED")
      const { exitCode, stdout } = yield* run(["get", record._id, "--json"])
      expect(exitCode).toBe(0)
      // The mock serves the stored record without the fixture-only `execution_source`.
      const { execution_source: _, ...served } = record
      expect(JSON.parse(stdout)).toEqual(served)
    }).pipe(Effect.provide(mock)))

  it.effect("an id the account does not have: a NotFound message naming it, exit code 3", () =>
    Effect.gen(function*() {
      const otherAccount = Fixtures.data.executions.find((r) => r.linked_account_id !== Fixtures.ACCOUNT)!
      for (const id of ["0123456789abcdef01234567", otherAccount._id]) {
        const { exitCode, stderr, stdout } = yield* run(["get", id])
        expect(exitCode).toBe(3)
        expect(stdout).toBe("")
        expect(stderr).toMatch(
          new RegExp(`^Not found \\(404\\): execution ${id} does not exist in this linked account\\. Check the id and REFOLD_LINKED_ACCOUNT_ID\\. \\(request id [\\w-]+\\)\\n$`)
        )
        expect(stderr).not.toContain(API_KEY)
      }
    }).pipe(Effect.provide(mock)))

  it.effect("an id is required", () =>
    Effect.gen(function*() {
      const { exitCode, stdout } = yield* run(["get"])
      expect(exitCode).toBe(2)
      expect(stdout).toBe("")
    }).pipe(Effect.provide(mock)))
})
