/**
 * Child: the structural check that no list request scans all executions. Every record of a
 * generated data set is wrapped in a `Proxy` that notes when anything reads it; after the store is
 * built (which reads every record once, to index it), each list request of every filter
 * combination, page 1 and a middle page, must read no more records than the page it returns (and only those records).
 *
 * The mock runs on a manual clock: on a running clock, the executions the data set holds as
 * RUNNING advance between requests, and the events that fall due are applied before the next
 * request is answered, reading the records they change (and their neighbours in the indexes they
 * move them in). That is the lifecycle's work, measured by figure 7, not a list request's scan.
 */
import { DataSet, type Fixture } from "@refold-effect/fixtures"
import { createMockApp } from "@refold-effect/mock"
import * as Queries from "../Queries.js"

/** What the check found. */
export interface Result {
  readonly size: number
  readonly requests: number
  /** The most records one request read, and the largest page it returned. */
  readonly maxRead: number
  readonly maxReturned: number
  /** Requests that read a record they did not return. */
  readonly violations: number
  readonly worst: string
}

const size = Number(process.argv[2] ?? 100_000)
const touched = new Set<object>()
const note = <A>(target: object, value: A): A => {
  touched.add(target)
  return value
}
const wrap = (record: Fixture.Record): Fixture.Record =>
  new Proxy(record, {
    get: (t, k, r) => note(t, Reflect.get(t, k, r)),
    has: (t, k) => note(t, Reflect.has(t, k)),
    ownKeys: (t) => note(t, Reflect.ownKeys(t)),
    getOwnPropertyDescriptor: (t, k) => note(t, Reflect.getOwnPropertyDescriptor(t, k))
  })

const data = DataSet.generate({ size, seed: 7, anchor: DataSet.bundledAnchor })
const mock = createMockApp({ data: { ...data, executions: data.executions.map(wrap) }, clock: { speed: 0 } })
const headers = { "x-api-key": "tk_bench", linked_account_id: "user_12345" }

let requests = 0
let maxRead = 0
let maxReturned = 0
let worst = ""
let violations = 0
const request = async (path: string) => {
  touched.clear()
  const response = await mock.fetch(new Request(`http://mock${path}`, { headers }))
  const body = (await response.json()) as { docs: ReadonlyArray<unknown>; totalPages: number }
  if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}`)
  requests++
  if (touched.size > body.docs.length) violations++
  if (touched.size > maxRead) {
    maxRead = touched.size
    worst = path
  }
  maxReturned = Math.max(maxReturned, body.docs.length)
  return body
}
for (const params of Queries.combinations()) {
  const first = await request(Queries.path(params))
  await request(Queries.path({ ...params, page: String(Queries.middle(first.totalPages)) }))
}
const result: Result = { size, requests, maxRead, maxReturned, violations, worst }
console.log(JSON.stringify(result))
