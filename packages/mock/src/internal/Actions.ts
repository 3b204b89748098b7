/**
 * The changes the API's POST routes make to one app's store: stop, rerun and execute, with the
 * app's own id counter and the stops still to settle. Plain functions over the store; the handlers
 * only translate their outcomes into answers.
 *
 * What happens next is the lifecycle's (see `Lifecycle`): a stopped execution reads `STOPPING`,
 * then `STOPPED` on the clock; a rerun or an executed run starts `RUNNING` and runs on the clock.
 */
import type { Fixture } from "@refold-effect/fixtures"
import type { ExecutionStore } from "../ExecutionStore.js"
import type { Lifecycle } from "../Lifecycle.js"
import * as Records from "./Records.js"

/** The outcome of a stop: the execution's status after it, or `undefined` for an unknown execution. */
export type Stopped = Fixture.Record["status"] | undefined

/** The outcome of a rerun. */
export type Rerun =
  | { readonly _tag: "Started"; readonly record: Fixture.Record }
  | { readonly _tag: "NotRerunnable"; readonly status: string }
  | { readonly _tag: "NotFound" }

/** The outcome of an execute. */
export type Executed =
  | { readonly _tag: "Started"; readonly record: Fixture.Record }
  | { readonly _tag: "WorkflowNotFound" }

/** One app's actions. */
export interface Actions {
  /** Stops a RUNNING execution of the account (STOPPING now, STOPPED on the clock); others are left as they are. */
  readonly stop: (linkedAccountId: string, executionId: string) => Stopped
  /** Starts a new RUNNING execution from an ERRORED, TIMED_OUT or STOPPED one of the account, in `environment` (the caller's credentials'). */
  readonly rerun: (linkedAccountId: string, executionId: string, environment: Fixture.Record["environment"]) => Rerun
  /** Starts a run of one of the account's workflows, of the application `slug`. */
  readonly execute: (linkedAccountId: string, workflowId: string, slug: string, start: Records.Start) => Executed
  /** The execution once it has finished, on the clock (`undefined` if it goes away first). */
  readonly settled: (executionId: string) => Promise<Fixture.Record | undefined>
}

/** The middle of the ids the mock makes, after the creation second (MongoDB's random value). */
const MACHINE = "6d6f636b00"

const hex = (n: number, digits: number) => n.toString(16).padStart(digits, "0")

/** The actions of an app over `store`, with times from `now` (the app's clock), told to `lifecycle`. */
export const make = (store: ExecutionStore, lifecycle: Lifecycle, now: () => number = Date.now): Actions => {
  let serial = 0

  /** A creation time after every execution's, so that the insert is the cheap one (at the head). */
  const nextTime = () => Math.max(now(), store.latest() + 1)

  const newId = (time: number) => {
    for (;;) {
      const id = `${hex(Math.floor(time / 1000) % 2 ** 32, 8)}${MACHINE}${hex(serial++ % 2 ** 24, 6)}`
      if (store.find(id) === undefined) return id
    }
  }

  /** Inserts the new run `make` makes and starts it, its nodes producing the outputs of `template`'s. */
  const start = (template: Fixture.Record, make: (id: string, createdAt: string) => Fixture.Record): Fixture.Record => {
    const time = nextTime()
    const record = make(newId(time), new Date(time).toISOString())
    store.insert(record)
    lifecycle.observe(record, template)
    return record
  }

  return {
    stop: (account, executionId) => {
      const record = store.get(account, executionId)
      if (record === undefined) return undefined
      if (record.status !== "RUNNING") return record.status
      const next = store.update(record._id, (r) => Records.stopping(r, new Date(Math.max(now(), Date.parse(r.createdAt))).toISOString()))
      lifecycle.observe(next)
      return next.status
    },
    rerun: (account, executionId, environment) => {
      const original = store.get(account, executionId)
      if (original === undefined) return { _tag: "NotFound" }
      if (!Records.RERUNNABLE.includes(original.status)) return { _tag: "NotRerunnable", status: original.status }
      return { _tag: "Started", record: start(original, (id, createdAt) => Records.rerun(original, id, createdAt, environment)) }
    },
    execute: (account, workflowId, slug, options) => {
      // The workflow is known by its newest execution of the account: a lookup in the filter index.
      const template = store.list(account, {
        page: 1,
        limit: 1,
        status: "All",
        execution_source: "All",
        execution_type: "All",
        workflow_id: workflowId,
        slug: [slug]
      }).docs[0]
      if (template === undefined) return { _tag: "WorkflowNotFound" }
      return { _tag: "Started", record: start(template, (id, createdAt) => Records.execute(template, id, createdAt, options)) }
    },
    settled: lifecycle.settled
  }
}
