/**
 * Webhooks: the subscriptions under `/api/v2/public/webhook` and the events Refold delivers to them.
 *
 * Where the vendor's docs disagree: the webhooks guide's cURL registers `{ url, events }`, the
 * OpenAPI document and the Create Webhook page `{ webhook_url, webhook_events }`. {@link Create} and
 * {@link Update} accept both spellings on input and decode to the canonical one, `webhook_url` and
 * `webhook_events`, the only spelling ever sent back.
 *
 * A delivery is a JSON body (one of {@link Payload}) signed in the `x-cobalt-signature` header: the
 * hex HMAC-SHA256 of the raw body, keyed on the API key that registered the subscription.
 *
 * @since 0.1.0
 */
import { ParseResult, Schema } from "effect"
import { Environment, Status, Timestamp } from "./Execution.js"
import { openEnum, type OpenEnum } from "./internal/openEnum.js"

/** The events the webhooks guide documents. */
export const events = ["Connection Created", "Connection Deleted", "Connection Expired", "Workflow Completed", "Workflow Errored"] as const

/** The events about workflow runs (the others are about connections). */
export const workflowEvents = ["Workflow Completed", "Workflow Errored"] as const

/** The events about connections. */
export const connectionEvents = ["Connection Created", "Connection Deleted", "Connection Expired"] as const

/** The HTTP methods a subscription can be delivered with. */
export const methods = ["POST", "PUT", "PATCH"] as const

/** The kinds of subscription (`webhook_type`), computed by the vendor from the body template. */
export const types = ["default", "slack", "custom"] as const

/** The header that carries a delivery's signature. */
export const signatureHeader = "x-cobalt-signature"

/** The errors the vendor documents for the webhook operations, as `[status, error_code, message]`. */
export const documented = {
  invalidEvent: [400, "INVALID_EVENT", "Invalid event. Check events list in documentation."],
  notFound: [400, "RESOURCE_NOT_FOUND", "Webhook not found"]
} as const satisfies Record<string, readonly [number, string, string]>

/** An event name, as sent in a subscription or a delivery; unknown values decode as plain strings. */
export const Event = openEnum("WebhookEvent", events, "A webhook event.")
export type Event = OpenEnum<(typeof events)[number]>

/** An event a subscription can be registered for: only the documented ones (the vendor answers `INVALID_EVENT` otherwise). */
export const KnownEvent = Schema.Literal(...events).annotations({
  identifier: "KnownWebhookEvent",
  message: (issue) => `Invalid event ${JSON.stringify(issue.actual)}: expected one of ${events.map((e) => JSON.stringify(e)).join(", ")}`
})

/** The delivery method. */
export const Method = Schema.Literal(...methods).annotations({ identifier: "WebhookMethod" })

/** The kind of subscription; unknown values decode as plain strings. */
export const Type = openEnum("WebhookType", types, "Kind of webhook, computed from its body template.")

/** A URL the vendor accepts for a webhook: absolute, `http` or `https`. */
export const Url = Schema.String.pipe(
  Schema.filter((s) => {
    if (!/^https?:\/\//i.test(s)) return `expected an http:// or https:// URL, got ${JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}…` : s)}`
    try {
      new URL(s)
      return true
    } catch {
      return `not a valid URL: ${JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}…` : s)}`
    }
  }),
  Schema.annotations({ identifier: "WebhookUrl", description: "Absolute http(s) URL.", examples: ["https://your-app.com/webhooks"] })
)

/** A subscription as the API returns it. Fields beyond `_id`, `webhook_url` and `webhook_events` are optional, as in the vendor's examples. */
export const Webhook = Schema.Struct({
  _id: Schema.String,
  org_id: Schema.optional(Schema.String),
  environment: Schema.optional(Environment),
  is_enabled: Schema.optional(Schema.Boolean),
  webhook_events: Schema.Array(Event),
  workflow_ids: Schema.optional(Schema.Array(Schema.String)),
  webhook_url: Schema.String,
  webhook_description: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  webhook_body: Schema.optional(Schema.Unknown),
  webhook_headers: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  method: Schema.optional(Schema.String),
  slug: Schema.optional(Schema.String),
  group: Schema.optional(Schema.String),
  webhook_type: Schema.optional(Type),
  createdAt: Schema.optional(Timestamp),
  updatedAt: Schema.optional(Timestamp),
  __v: Schema.optional(Schema.Number)
}).annotations({ identifier: "Webhook", description: "A webhook subscription of an org and environment." })
export interface Webhook extends Schema.Schema.Type<typeof Webhook> {}

/** The list, and what delete answers: the org's remaining subscriptions. */
export const Webhooks = Schema.Array(Webhook).annotations({ identifier: "Webhooks" })

/** Fields that create and update share (besides the URL and the events, which have two spellings). */
const settings = {
  is_enabled: Schema.optional(Schema.Boolean),
  workflow_ids: Schema.optional(Schema.Array(Schema.String)),
  webhook_description: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  webhook_body: Schema.optional(Schema.Unknown),
  webhook_headers: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
  method: Schema.optional(Method),
  slug: Schema.optional(Schema.String),
  group: Schema.optional(Schema.String),
  webhook_type: Schema.optional(Schema.Literal(...types))
}

const EventList = Schema.Array(KnownEvent).pipe(Schema.minItems(1, { message: () => "expected at least one event" }))

/** The canonical spelling of a create request. */
const CreateCanonical = Schema.Struct({ webhook_url: Url, webhook_events: EventList, ...settings })

/** The canonical spelling of an update request: every field optional. */
const UpdateCanonical = Schema.Struct({ webhook_url: Schema.optional(Url), webhook_events: Schema.optional(EventList), ...settings })

/** Both spellings on the wire: `webhook_url`/`webhook_events` (OpenAPI) or `url`/`events` (the guide). */
const spellings = {
  webhook_url: Schema.optional(Url),
  url: Schema.optional(Url).annotations({ description: "Alias of `webhook_url` (the webhooks guide's spelling)." }),
  webhook_events: Schema.optional(EventList),
  events: Schema.optional(EventList).annotations({ description: "Alias of `webhook_events` (the webhooks guide's spelling)." }),
  ...settings
}

/** Thrown inside the transformation when the two spellings of a field disagree or a required one is missing. */
class Spelling {
  constructor(readonly message: string) {}
}

/** One field from either of its spellings; both given must agree. */
const either = <A>(canonical: A | undefined, alias: A | undefined, names: string): A | undefined => {
  if (canonical !== undefined && alias !== undefined && JSON.stringify(canonical) !== JSON.stringify(alias)) {
    throw new Spelling(`${names} disagree; give one of them`)
  }
  return canonical ?? alias
}

type Wire = Schema.Struct.Type<typeof spellings>

/** The canonical form of a request given in either spelling. Throws a {@link Spelling}. */
const canonical = (wire: Wire, required: boolean): Record<string, unknown> => {
  const { url, events: aliasEvents, webhook_url, webhook_events, ...rest } = wire
  const target = either(webhook_url, url, "webhook_url and url")
  const subscribed = either(webhook_events, aliasEvents, "webhook_events and events")
  if (required && target === undefined) throw new Spelling("webhook_url (or url) is required")
  if (required && subscribed === undefined) throw new Spelling("webhook_events (or events) is required")
  return { ...rest, ...(target === undefined ? {} : { webhook_url: target }), ...(subscribed === undefined ? {} : { webhook_events: subscribed }) }
}

const normalised = <A, I>(to: Schema.Schema<A, I>, required: boolean, identifier: string, description: string) =>
  Schema.transformOrFail(Schema.Struct(spellings), Schema.typeSchema(to), {
    strict: false,
    decode: (wire, _, ast) => {
      try {
        return ParseResult.succeed(canonical(wire, required))
      } catch (e) {
        if (e instanceof Spelling) return ParseResult.fail(new ParseResult.Type(ast, wire, e.message))
        throw e
      }
    },
    encode: ParseResult.succeed
  }).annotations({ identifier, description })

/**
 * The body of `POST /api/v2/public/webhook`: the URL and at least one event (either spelling), the
 * rest optional. Decodes to the canonical spelling.
 */
export const Create = normalised(
  CreateCanonical,
  true,
  "CreateWebhookRequest",
  "A webhook to register. `url`/`events` (the guide's spelling) are accepted for `webhook_url`/`webhook_events`."
)
export type Create = Schema.Schema.Type<typeof CreateCanonical>

/** The body of `PUT /api/v2/public/webhook/{id}`: only the fields sent change. Decodes to the canonical spelling. */
export const Update = normalised(
  UpdateCanonical,
  false,
  "UpdateWebhookRequest",
  "The fields of a webhook to change. `url`/`events` are accepted for `webhook_url`/`webhook_events`."
)
export type Update = Schema.Schema.Type<typeof UpdateCanonical>

/** The `id` path parameter of the single-webhook operations. */
export const IdPath = Schema.Struct({ id: Schema.String })

/** What a workflow event says about the run: the payload of `Workflow Completed` and `Workflow Errored`. */
export const WorkflowPayload = Schema.Struct({
  event: Schema.Literal(...workflowEvents),
  linked_account_id: Schema.String,
  instance_id: Schema.String,
  workflow_id: Schema.String,
  config_id: Schema.optional(Schema.String),
  workflow_name: Schema.optional(Schema.String),
  status: Status,
  environment: Schema.optional(Environment),
  org_id: Schema.optional(Schema.String)
}).annotations({ identifier: "WorkflowWebhookPayload", description: "A delivery of `Workflow Completed` or `Workflow Errored`." })
export interface WorkflowPayload extends Schema.Schema.Type<typeof WorkflowPayload> {}

/** The payload of `Connection Created`, `Connection Deleted` and `Connection Expired`. `createdAt` is an HTTP date in the guide. */
export const ConnectionPayload = Schema.Struct({
  event: Schema.Literal(...connectionEvents),
  linked_account_id: Schema.String,
  org_id: Schema.optional(Schema.String),
  environment: Schema.optional(Environment),
  type: Schema.optional(Schema.String),
  slug: Schema.optional(Schema.String),
  createdAt: Schema.optional(Schema.String)
}).annotations({ identifier: "ConnectionWebhookPayload", description: "A delivery of a connection event." })
export interface ConnectionPayload extends Schema.Schema.Type<typeof ConnectionPayload> {}

/** Any delivery's body, told apart by `event`. */
export const Payload = Schema.Union(WorkflowPayload, ConnectionPayload).annotations({ identifier: "WebhookPayload" })
export type Payload = WorkflowPayload | ConnectionPayload
