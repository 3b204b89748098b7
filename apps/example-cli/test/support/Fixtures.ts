/** The bundled data set that the mock serves, as the expectations of the tests. */
import { DataSet, type Fixture } from "@refold-effect/fixtures"

/** The data set, loaded once. */
export const data: Fixture.DataSet = DataSet.bundled()

/** The account the tests act on. */
export const ACCOUNT = "user_12345"

const newestFirst = (a: Fixture.Record, b: Fixture.Record) =>
  a.createdAt > b.createdAt ? -1 : a.createdAt < b.createdAt ? 1 : a._id > b._id ? -1 : a._id < b._id ? 1 : 0

/** The account's executions that satisfy `predicate`, newest first: what a list must return. */
export const executions = (predicate: (record: Fixture.Record) => boolean = () => true): ReadonlyArray<Fixture.Record> =>
  data.executions.filter((r) => r.linked_account_id === ACCOUNT && predicate(r)).sort(newestFirst)

/** The first of the account's executions with this status. */
export const withStatus = (status: Fixture.Record["status"]): Fixture.Record => {
  const found = executions((r) => r.status === status)[0]
  if (found === undefined) throw new Error(`The bundled data set has no ${status} execution for ${ACCOUNT}`)
  return found
}
