/**
 * Changes a test makes to a running app's executions (`RefoldMock.insert`, `RefoldMock.update` and
 * their admin routes): validated against the fixtures' schema, written to the store, and told to
 * the lifecycle, so that an inserted `RUNNING` execution runs and an execution set to `STOPPING`
 * stops.
 */
import { Fixture } from "@refold-effect/fixtures"
import { Either, ParseResult, Schema } from "effect"
import type { ExecutionStore } from "../ExecutionStore.js"
import type { Lifecycle } from "../Lifecycle.js"

/** What a test can change. */
export interface Edits {
  /** Adds an execution. Returns a message naming the problem (invalid record, duplicate id) on failure. */
  readonly insert: (record: unknown) => Either.Either<Fixture.Record, string>
  /** Merges `patch` into an execution (`_id`, `linked_account_id` and `createdAt` cannot change). */
  readonly update: (id: string, patch: unknown) => Either.Either<Fixture.Record, string>
}

const decode = Schema.decodeUnknownEither(Fixture.Record, { onExcessProperty: "preserve" })

const valid = (record: unknown): Either.Either<Fixture.Record, string> =>
  Either.mapLeft(decode(record), (e) => `Invalid execution: ${ParseResult.TreeFormatter.formatErrorSync(e)}`)

const fixed = ["_id", "linked_account_id", "createdAt"] as const

/** The edits of an app. */
export const make = (store: ExecutionStore, lifecycle: Lifecycle): Edits => {
  const attempt = (f: () => void): Either.Either<void, string> => {
    try {
      return Either.right(f())
    } catch (e) {
      return Either.left(e instanceof Error ? e.message : String(e))
    }
  }
  return {
    insert: (input) =>
      Either.flatMap(valid(input), (record) =>
        Either.map(
          attempt(() => {
            if (store.account(record.linked_account_id) === undefined) {
              throw new Error(`Invalid execution: the data set defines no linked account ${JSON.stringify(record.linked_account_id)}`)
            }
            store.insert(record)
            lifecycle.observe(record)
          }),
          () => record
        )),
    update: (id, patch) => {
      const current = store.find(id)
      if (current === undefined) return Either.left(`No execution ${JSON.stringify(id)}`)
      if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return Either.left("Invalid patch: expected an object of execution fields")
      const changed = fixed.find((key) => key in patch && (patch as Record<string, unknown>)[key] !== current[key])
      if (changed !== undefined) return Either.left(`Invalid patch: ${changed} cannot change`)
      return Either.flatMap(valid({ ...current, ...patch }), (record) =>
        Either.map(
          attempt(() => {
            store.update(record._id, () => record)
            lifecycle.observe(record)
          }),
          () => record
        ))
    }
  }
}
