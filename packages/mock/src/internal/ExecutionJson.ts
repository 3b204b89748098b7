/**
 * How an execution record goes on the wire: the list endpoint's summary projection and the get
 * endpoint's detail, each serialised once per record, as the UTF-8 bytes the server writes, and
 * then reused: a detail is sent as it is, a page body is a copy of ready bytes.
 *
 * The bytes are cached per record object, in a cache of each app's own ({@link make}). The store
 * never changes a record in place (an update stores a new object), so a cached body is never stale.
 */
import type { Execution } from "@refold-effect/contract"
import type { Fixture } from "@refold-effect/fixtures"

/**
 * The summary's keys in the order of the vendor's seed page (`_id` … `associated_event_id`), then
 * the fields that newer pages of the docs add, and the execute call's `instance_tag`; absent ones
 * are left out.
 */
const summaryKeys = [
  "_id",
  "createdAt",
  "name",
  "associated_application",
  "status",
  "associated_workflow",
  "environment",
  "config_id",
  "associated_event_id",
  "org_id",
  "linked_account_id",
  "trigger_application_event",
  "type_of_execution",
  "associated_trigger_application",
  "completion_time",
  "updatedAt",
  "executed_by_thanos",
  "instance_execution_time",
  "instance_tag"
] as const satisfies ReadonlyArray<keyof Execution.Summary>

/** The list document of an execution: the fields of `Execution.Summary`, in the seed page's order. */
export const summary = (record: Fixture.Record): Execution.Summary => {
  const out: Record<string, unknown> = {}
  for (const key of summaryKeys) if (record[key] !== undefined) out[key] = record[key]
  return out as unknown as Execution.Summary
}

/** The get response of an execution: the whole record minus the fixture-only `execution_source`. */
export const detail = (record: Fixture.Record): Execution.Detail => {
  const { execution_source: _, ...rest } = record
  return rest
}

/** One app's serialised records. */
export interface Cache {
  /** {@link summary} as UTF-8 JSON, built on first use and cached for the record's lifetime. */
  readonly summaryJson: (record: Fixture.Record) => Uint8Array<ArrayBuffer>
  /** {@link detail} as UTF-8 JSON, built on first use and cached for the record's lifetime. */
  readonly detailJson: (record: Fixture.Record) => Uint8Array<ArrayBuffer>
}

const memo = <A>(project: (record: Fixture.Record) => A) => {
  const cache = new WeakMap<Fixture.Record, Uint8Array<ArrayBuffer>>()
  return (record: Fixture.Record): Uint8Array<ArrayBuffer> => {
    let json = cache.get(record)
    if (json === undefined) {
      json = Buffer.from(JSON.stringify(project(record)))
      cache.set(record, json)
    }
    return json
  }
}

/** A new, empty cache. */
export const make = (): Cache => ({ summaryJson: memo(summary), detailJson: memo(detail) })
