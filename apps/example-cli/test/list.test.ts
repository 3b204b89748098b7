/**
 * `list` against the mock in-process: the rows are the fixtures' executions that match the filters,
 * newest first, page by page or streamed with `--all`.
 */
import { describe, expect, it } from "@effect/vitest"
import { RefoldMock } from "@refold-effect/mock"
import { Execution } from "@refold-effect/sdk"
import { Effect } from "effect"
import { Format } from "../src/index.js"
import { lines, run } from "./support/Cli.js"
import * as Fixtures from "./support/Fixtures.js"

/** A fresh in-process mock per test, serving the bundled fixtures. */
const mock = RefoldMock.layer({ fixtures: Fixtures.data })

const LIST = "/api/v2/public/execution"

/** The ids of the table rows of `stdout` (the first column), header excluded. */
const rowIds = (stdout: string) => lines(stdout).slice(1).map((line) => line.split(/\s+/)[0])

describe("list", () => {
  it.effect("filters by status, source, type and dates, and prints a table of the matching fixtures, newest first", () =>
    Effect.gen(function*() {
      const expected = Fixtures.executions((r) =>
        r.status === "COMPLETED" && r.execution_source === "Schedule" && r.type_of_execution === "ASYNC" &&
        r.createdAt >= "2026-01-01" && r.createdAt < "2026-10-01"
      )
      expect(expected.length).toBeGreaterThan(1)
      const { exitCode, stderr, stdout } = yield* run([
        "list", "--status", "COMPLETED", "--source", "Schedule", "--type", "ASYNC",
        "--since", "2026-01-01", "--until", "2026-09-30", "--limit", "100"
      ])
      expect(exitCode).toBe(0)
      expect(lines(stdout)[0]).toBe(Format.listHeader)
      expect(rowIds(stdout)).toEqual(expected.map((r) => r._id))
      lines(stdout).slice(1).forEach((line, i) => {
        const record = expected[i]!
        expect(line).toContain(Format.timestamp(record.createdAt))
        expect(line).toContain("COMPLETED")
        expect(line).toContain(record.associated_application?.name.slice(0, 19) ?? "-")
        expect(line).toContain(record.associated_workflow?.name ?? "-")
      })
      expect(stderr).toBe(`Page 1 of 1 · executions 1–${expected.length} of ${expected.length}\n`)
      // One request, carrying each filter under the API's own name.
      const filtered = yield* RefoldMock.count({
        method: "GET",
        urlPath: LIST,
        queryParameters: {
          status: { equalTo: "COMPLETED" },
          execution_source: { equalTo: "Schedule" },
          execution_type: { equalTo: "ASYNC" },
          start_date: { equalTo: "2026-01-01" },
          end_date: { equalTo: "2026-09-30" },
          limit: { equalTo: "100" }
        }
      })
      expect([filtered, yield* RefoldMock.count({})]).toEqual([1, 1])
    }).pipe(Effect.provide(mock)))

  it.effect("shows one page and says which, with the next page to ask for", () =>
    Effect.gen(function*() {
      const errored = Fixtures.executions((r) => r.status === "ERRORED")
      const { exitCode, stderr, stdout } = yield* run(["list", "--status", "ERRORED", "--limit", "5", "--page", "2"])
      expect(exitCode).toBe(0)
      expect(rowIds(stdout)).toEqual(errored.slice(5, 10).map((r) => r._id))
      expect(stderr).toBe(
        `Page 2 of ${Math.ceil(errored.length / 5)} · executions 6–10 of ${errored.length} · next: --page 3, or --all for every page\n`
      )
    }).pipe(Effect.provide(mock)))

  it.effect("--all streams every page into one table", () =>
    Effect.gen(function*() {
      const completed = Fixtures.executions((r) => r.status === "COMPLETED")
      const { exitCode, stderr, stdout } = yield* run(["list", "--status", "COMPLETED", "--all", "--limit", "7"])
      expect(exitCode).toBe(0)
      expect(completed.length).toBeGreaterThan(7 * 10)
      expect(rowIds(stdout)).toEqual(completed.map((r) => r._id))
      expect(stderr).toBe(`${completed.length} executions\n`)
      expect(yield* RefoldMock.count({ urlPath: LIST })).toBe(Math.ceil(completed.length / 7))
    }).pipe(Effect.provide(mock)))

  it.effect("--all lists every execution once while new ones arrive and push the pages back", () =>
    Effect.gen(function*() {
      // One new execution arrives at the head of the account before every request.
      yield* RefoldMock.setFaults({ arrivals: { account: Fixtures.ACCOUNT, everyRequests: 1 } })
      const { exitCode, stdout } = yield* run(["list", "--all", "--limit", "20"])
      expect(exitCode).toBe(0)
      const ids = rowIds(stdout)
      expect(new Set(ids).size).toBe(ids.length)
      expect(ids).toEqual(expect.arrayContaining(Fixtures.executions().map((r) => r._id)))
    }).pipe(Effect.provide(mock)))

  it.effect("--json prints the page's executions as a JSON array, one per line", () =>
    Effect.gen(function*() {
      const { exitCode, stdout } = yield* run(["list", "--type", "SYNC", "--limit", "3", "--json"])
      expect(exitCode).toBe(0)
      expect(lines(stdout)).toHaveLength(5)
      const parsed = JSON.parse(stdout) as Array<{ _id: string; type_of_execution: string }>
      expect(parsed.map((e) => e._id)).toEqual(Fixtures.executions((r) => r.type_of_execution === "SYNC").slice(0, 3).map((r) => r._id))
    }).pipe(Effect.provide(mock)))

  it.effect("--all --json is one JSON array of every execution", () =>
    Effect.gen(function*() {
      const { exitCode, stdout } = yield* run(["list", "--status", "RUNNING", "--all", "--json", "--limit", "5"])
      expect(exitCode).toBe(0)
      const parsed = JSON.parse(stdout) as Array<{ _id: string }>
      expect(parsed.map((e) => e._id)).toEqual(Fixtures.executions((r) => r.status === "RUNNING").map((r) => r._id))
    }).pipe(Effect.provide(mock)))

  it.effect("says so when nothing matches; --json prints an empty array", () =>
    Effect.gen(function*() {
      const table = yield* run(["list", "--since", "2030-01-01"])
      expect(table).toEqual({ exitCode: 0, stdout: "No executions match.\n", stderr: "Page 1 of 1 · no executions of 0\n" })
      const all = yield* run(["list", "--since", "2030-01-01", "--all"])
      expect(all).toEqual({ exitCode: 0, stdout: "No executions match.\n", stderr: "" })
      const past = yield* run(["list", "--page", "99"])
      expect(past.stdout).toBe("No executions on page 99.\n")
      const json = yield* run(["list", "--since", "2030-01-01", "--all", "--json"])
      expect(json.exitCode).toBe(0)
      expect(JSON.parse(json.stdout)).toEqual([])
    }).pipe(Effect.provide(mock)))

  it.effect("a rejected value is named by its flag, exit code 2", () =>
    Effect.gen(function*() {
      const date = yield* run(["list", "--since", "2026-02-30"])
      expect(date.exitCode).toBe(2)
      expect(date.stdout).toBe("")
      expect(date.stderr).toBe(
        `Invalid --since: expected a date as YYYY-MM-DD or an ISO 8601 date-time, got "2026-02-30"\n`
      )
      const order = yield* run(["list", "--since", "2026-03-01", "--until", "2026-02-01"])
      expect(order.exitCode).toBe(2)
      expect(order.stderr).toBe("--since (2026-03-01) is after --until (2026-02-01)\n")
      const limit = yield* run(["list", "--limit", "0"])
      expect(limit.exitCode).toBe(2)
      expect(limit.stderr).toBe(`Invalid --limit: expected a positive integer no greater than 1000, got "0"\n`)
      // Not a number at all: still named by its flag (not @effect/cli's "'abc' is not a integer").
      for (const [flag, value] of [["--limit", "abc"], ["--page", "1.5"], ["--page", ""]] as const) {
        const text = yield* run(["list", flag, value])
        expect({ exitCode: text.exitCode, stderr: text.stderr.trimEnd() }).toEqual({ exitCode: 2, stderr: `Invalid ${flag}: expected a positive integer, got ${JSON.stringify(value)}` })
      }
      // Rejected before anything was sent.
      expect(yield* RefoldMock.count({})).toBe(0)
    }).pipe(Effect.provide(mock)))

  it.effect("a flag given no value is named with what it takes (not \"Received unknown argument\"), nothing sent", () =>
    Effect.gen(function*() {
      const cases = [
        [["list", "--status"], `--status needs a value: --status ${Execution.statuses.join("|")}`],
        [["list", "--limit", "--json"], "--limit needs a value: --limit n"],
        [["list", "--since"], "--since needs a value: --since date"],
        [["run", "4bb47b4b1df5f89c016a99ea", "--slug", "salesforce", "--payload"], "--payload needs a value: --payload json"]
      ] as const
      for (const [args, message] of cases) {
        const { exitCode, stderr, stdout } = yield* run(args)
        expect({ args, exitCode, stderr, stdout }).toEqual({ args, exitCode: 2, stderr: `${message}\n`, stdout: "" })
      }
      expect(yield* RefoldMock.count({})).toBe(0)
    }).pipe(Effect.provide(mock)))

  it.effect("an unknown status is a usage error naming --status and the valid ones", () =>
    Effect.gen(function*() {
      const { exitCode, stderr, stdout } = yield* run(["list", "--status", "FAILED"])
      expect(exitCode).toBe(2)
      expect(stdout).toBe("")
      expect(stderr).toContain(`--status must be one of ${Execution.statuses.join(", ")}, got "FAILED"`)
    }).pipe(Effect.provide(mock)))
})
