/**
 * The webhook subscriptions of one mock app, kept per org API key: a key sees, changes and deletes
 * only its own, and an id of another key's is "Webhook not found", exactly like an unknown one.
 *
 * A key's environment follows the vendor's prefixes: `pk…` is production, any other key (`tk…`, or
 * the free-form keys the mock accepts) is test. A subscription receives the events of executions
 * of its key's environment only, as the vendor scopes webhooks per environment. The mock binds
 * keys to no org: every subscription shows the data set's org and hears every account of it.
 *
 * @internal
 */
import type { Webhook } from "@refold-effect/contract"
import { randomBytes } from "node:crypto"
import * as Auth from "./Auth.js"

/** At most this many subscriptions per key, so that a loop in a client cannot grow the mock without bound. */
export const maxPerKey = 100

/** At most this many subscriptions in one app, whatever the keys: any non-empty key may register, so a per-key bound alone is none. */
export const maxTotal = 1000

/** A subscription as stored: the canonical wire fields (secrets never among them). */
export type Subscription = Webhook.Webhook & {
  readonly _id: string
  readonly webhook_url: string
  readonly webhook_events: ReadonlyArray<string>
  readonly is_enabled: boolean
  readonly method: string
  readonly environment: "test" | "production"
}

/** A subscription and the key it was registered with, which signs its deliveries. */
export interface Registered {
  readonly subscription: Subscription
  readonly apiKey: string
}

/** What the routes can do with the subscriptions. */
export interface Subscriptions {
  readonly list: (apiKey: string) => ReadonlyArray<Subscription>
  /** Registers a subscription; a message naming the bound when the key has {@link maxPerKey} or the app {@link maxTotal}. */
  readonly create: (apiKey: string, request: Webhook.Create) => Subscription | string
  readonly get: (apiKey: string, id: string) => Subscription | undefined
  readonly update: (apiKey: string, id: string, patch: Webhook.Update) => Subscription | undefined
  /** Removes one; `false` when the key has none with this id. */
  readonly remove: (apiKey: string, id: string) => boolean
  /** Every enabled subscription, with its key, for the delivery engine. */
  readonly all: () => ReadonlyArray<Registered>
  /** Forgets every subscription. */
  readonly reset: () => void
}

/** A new id in the shape of a MongoDB ObjectId: 4 bytes of seconds, 8 random bytes. */
const objectId = (now: number) => Math.floor(now / 1000).toString(16).padStart(8, "0").slice(-8) + randomBytes(8).toString("hex")

/** The webhook type the vendor computes from the body template: a body makes it custom. */
const typeOf = (request: { readonly webhook_type?: string | undefined; readonly webhook_body?: unknown }) =>
  request.webhook_type ?? (request.webhook_body === undefined ? "default" : "custom")

/**
 * The lists of a request stored once per value, in the order first given: an event named twice is
 * one subscription to it (deliveries are per event, never per mention), and so is a workflow id.
 */
const once = <R extends { readonly webhook_events?: ReadonlyArray<string> | undefined; readonly workflow_ids?: ReadonlyArray<string> | undefined }>(request: R): R => ({
  ...request,
  ...(request.webhook_events === undefined ? {} : { webhook_events: [...new Set(request.webhook_events)] }),
  ...(request.workflow_ids === undefined ? {} : { workflow_ids: [...new Set(request.workflow_ids)] })
})

/** The subscriptions of one app; `orgId` is shown on each, `now` stamps them (the mock's clock). */
export const make = (orgId: string | undefined, now: () => number): Subscriptions => {
  const byKey = new Map<string, Array<Subscription>>()
  let total = 0

  const find = (apiKey: string, id: string) => {
    const list = byKey.get(apiKey) ?? []
    return { list, index: list.findIndex((s) => s._id === id.toLowerCase()) }
  }

  return {
    list: (apiKey) => byKey.get(apiKey) ?? [],
    create: (apiKey, request) => {
      const list = byKey.get(apiKey) ?? []
      if (list.length >= maxPerKey) return `At most ${maxPerKey} webhooks per API key; delete one first`
      if (total >= maxTotal) return `At most ${maxTotal} webhooks per mock, across API keys; delete one first, or reset the mock`
      const time = now()
      const stamp = new Date(time).toISOString()
      const subscription: Subscription = {
        _id: objectId(time),
        ...(orgId === undefined ? {} : { org_id: orgId }),
        environment: Auth.environmentOf(apiKey),
        workflow_ids: [],
        ...once(request),
        is_enabled: request.is_enabled ?? true,
        method: request.method ?? "POST",
        webhook_type: typeOf(request),
        createdAt: stamp,
        updatedAt: stamp,
        __v: 0
      }
      byKey.set(apiKey, [...list, subscription])
      total++
      return subscription
    },
    get: (apiKey, id) => {
      const { index, list } = find(apiKey, id)
      return index === -1 ? undefined : list[index]
    },
    update: (apiKey, id, patch) => {
      const { index, list } = find(apiKey, id)
      if (index === -1) return undefined
      const old = list[index]!
      // Only the fields sent change: a field given as `undefined` is one not sent.
      const sent = Object.fromEntries(Object.entries(once(patch)).filter(([, v]) => v !== undefined)) as Partial<Subscription>
      const merged: Subscription = { ...old, ...sent }
      const updated: Subscription = {
        ...merged,
        webhook_type: patch.webhook_type ?? (patch.webhook_body === undefined ? old.webhook_type : typeOf(merged)),
        updatedAt: new Date(now()).toISOString()
      }
      byKey.set(apiKey, list.map((s, i) => (i === index ? updated : s)))
      return updated
    },
    remove: (apiKey, id) => {
      const { index, list } = find(apiKey, id)
      if (index === -1) return false
      const rest = list.filter((_, i) => i !== index)
      total--
      if (rest.length === 0) byKey.delete(apiKey)
      else byKey.set(apiKey, rest)
      return true
    },
    all: () => [...byKey].flatMap(([apiKey, list]) => list.filter((s) => s.is_enabled).map((subscription) => ({ subscription, apiKey }))),
    reset: () => {
      byKey.clear()
      total = 0
    }
  }
}
