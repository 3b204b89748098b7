/**
 * Small, deterministic data sets for the mock's tests, built in memory as `Fixture.Record`s. They
 * cover every status, source and type, ties in `createdAt`, and executions at the first and last
 * millisecond of UTC days, so that ordering and date boundaries are exercised.
 */
import { Execution } from "@refold-effect/contract"
import type { Fixture } from "@refold-effect/fixtures"

/** The accounts of {@link small}. */
export const accounts = {
  acme: { linked_account_id: "acme@example.com", org_id: "6500a1b2c3d4e5f6a7b8c9d0", environment: "test", session_tokens: ["tok-acme"] },
  globex: { linked_account_id: "globex", org_id: "6500a1b2c3d4e5f6a7b8c9d0", environment: "production", session_tokens: ["tok-globex"] },
  initech: { linked_account_id: "initech", org_id: "6500a1b2c3d4e5f6a7b8c9d1", session_tokens: [] }
} as const satisfies Record<string, Fixture.Account>

/** A seeded PRNG (mulberry32), so that data sets are the same on every run. */
export const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0")

/** A 24-hex-digit id from a number, unique per number. */
export const objectId = (n: number) => `65${hex(n, 22)}`

/** Nodes of these types, none started yet (`Ready`), each with `maximum_attempts` attempts. */
export const readyNodes = (types: ReadonlyArray<string>, maximum_attempts: number): Array<Fixture.Node> =>
  types.map((type, k) => ({
    node_id: String(k + 1),
    node_name: type,
    node_type: type,
    node_status: "Ready",
    is_batch: false,
    attempts_made: 0,
    maximum_attempts,
    execution_time: 0
  }))

/** A complete record; every field can be overridden. */
export const record = (overrides: Partial<Fixture.Record> & Pick<Fixture.Record, "_id">): Fixture.Record => ({
  createdAt: "2024-03-01T12:00:00.000Z",
  name: `Execution for workflow ${overrides._id}`,
  associated_application: { icon: "https://example.com/slack.png", name: "Slack", _id: "64f6d9f33234d3d6419cfdbc", slug: "slack" },
  status: "COMPLETED",
  associated_workflow: { _id: "64f7258e35b72267edc02589", name: "Post message to a channel", icon: "" },
  environment: "test",
  config_id: "12345",
  associated_event_id: "6523dfdeffed0fb7e2c3b90e",
  org_id: accounts.acme.org_id,
  linked_account_id: accounts.acme.linked_account_id,
  trigger_application_event: "Schedule",
  type_of_execution: "ASYNC",
  execution_source: "Event",
  completion_percentage: 100,
  nodes: [
    {
      node_id: "1",
      node_name: "Start",
      node_type: "start",
      node_status: "Success",
      is_batch: false,
      attempts_made: 1,
      execution_time: 403,
      latest_output: { message: "Workflow started successfully" }
    }
  ],
  ...overrides
})

/** The seed list page's execution (`65410cf6cdf931a12d7ab009`), exactly as documented, for account acme. */
export const seedListExecution = record({
  _id: "65410cf6cdf931a12d7ab009",
  createdAt: "2023-10-31T14:19:34.788Z",
  name: "Retry for workflow 65200cfd01af0388e905ad92",
  status: "ERRORED",
  execution_source: "Event"
})

/** A record whose serialisation throws `thrown()`, standing in for any bug inside a handler. */
export const exploding = (id: string, thrown: () => unknown): Fixture.Record =>
  record({
    _id: id,
    nodes: [
      {
        node_id: "1", node_name: "Start", node_type: "start", node_status: "Success", is_batch: false, attempts_made: 1, execution_time: 1,
        latest_output: {
          toJSON: () => {
            throw thrown()
          }
        }
      }
    ]
  })

const pick = <A>(random: () => number, values: ReadonlyArray<A>): A => values[Math.floor(random() * values.length)]!

/** The applications and workflows of {@link generated}: two workflows share a name across apps. */
export const workflows = [
  { app: { icon: "https://example.com/slack.png", name: "Slack", _id: "64f6d9f33234d3d6419cfdbc", slug: "slack" }, workflow: { _id: "64f7258e35b72267edc02589", name: "Post message to a channel", icon: "" } },
  { app: { icon: "https://example.com/slack.png", name: "Slack", _id: "64f6d9f33234d3d6419cfdbc", slug: "slack" }, workflow: { _id: "64f7258e35b72267edc0258a", name: "Daily Sync", icon: "" } },
  { app: { icon: "https://example.com/hubspot.png", name: "Hubspot", _id: "6992cc7dc124a392c80e9e9c", slug: "hubspot" }, workflow: { _id: "6a106ba44480b80424a65289", name: "Daily Sync", icon: "" } },
  { app: { icon: "https://example.com/jira.png", name: "Jira", _id: "6992cc7dc124a392c80e9e9d", slug: "jira" }, workflow: { _id: "6a106ba44480b80424a6528a", name: "Create issue", icon: "" } }
] as const

/**
 * `size` executions spread over the three accounts and over March 2024, with every fifth one sharing
 * its predecessor's `createdAt` and some on the first or last millisecond of a day.
 */
export const generated = (size: number, seed = 1): ReadonlyArray<Fixture.Record> => {
  const random = prng(seed)
  // A stream of its own for the workflow, so that every other field is what it was before workflows varied.
  const workflowRandom = prng(seed + 7919)
  const owners = Object.values(accounts)
  const out: Array<Fixture.Record> = []
  for (let i = 0; i < size; i++) {
    const day = 1 + Math.floor(random() * 10)
    const edge = random()
    const time =
      i % 5 === 4 && out.length > 0
        ? out[out.length - 1]!.createdAt
        : edge < 0.1
          ? `2024-03-${String(day).padStart(2, "0")}T00:00:00.000Z`
          : edge < 0.2
            ? `2024-03-${String(day).padStart(2, "0")}T23:59:59.999Z`
            : new Date(Date.UTC(2024, 2, day) + Math.floor(random() * 86_400_000)).toISOString()
    const owner = pick(random, owners)
    const { app, workflow } = pick(workflowRandom, workflows)
    out.push(
      record({
        associated_application: app,
        associated_workflow: workflow,
        _id: objectId(i + 1),
        createdAt: time,
        linked_account_id: owner.linked_account_id,
        org_id: owner.org_id,
        status: pick(random, Execution.statuses),
        execution_source: pick(random, Execution.sources),
        type_of_execution: pick(random, Execution.types)
      })
    )
  }
  return out
}

/** A data set of three accounts and `size` executions (plus the seed page's one for acme). */
export const small = (size = 60, seed = 1): Fixture.DataSet => ({
  accounts: Object.values(accounts),
  executions: [...generated(size, seed), seedListExecution]
})

/** App options for tests that compare answers with the data set: a manual clock, so no execution moves. */
export const frozen = { clock: { speed: 0 } } as const
