/**
 * The webhook schemas against the vendor's own pages: every webhook and payload example decodes,
 * both spellings of a registration decode to the canonical one, and bad input names its field.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either, ParseResult, Schema } from "effect"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Webhook } from "../src/index.js"
import { docsDir, jsonObjects } from "./support/vendorDocs.js"

const pages = readdirSync(join(docsDir, "webhooks")).map((f) => ({ file: f, text: readFileSync(join(docsDir, "webhooks", f), "utf8") }))
const objects = pages.flatMap(({ file, text }) =>
  jsonObjects(text)
    .filter((o): o is Record<string, unknown> => typeof o === "object" && o !== null)
    .map((body) => ({ file, body }))
)

const decodeCreate = Schema.decodeUnknownEither(Webhook.Create, { errors: "first" })
const decodeUpdate = Schema.decodeUnknownEither(Webhook.Update, { errors: "first" })
const why = (result: Either.Either<unknown, ParseResult.ParseError>) =>
  Either.isLeft(result) ? ParseResult.ArrayFormatter.formatErrorSync(result.left)[0] : undefined

describe("Webhook", () => {
  it("decodes every webhook and payload example of the vendor's pages", () => {
    const webhooks = objects.filter(({ body }) => "webhook_url" in body && "_id" in body)
    const payloads = objects.filter(({ body }) => "event" in body && !("webhook_url" in body))
    expect(webhooks.length).toBeGreaterThanOrEqual(4)
    expect(payloads.map(({ body }) => body["event"]).sort()).toEqual(["Connection Created", "Workflow Completed"])
    for (const { body } of webhooks) Schema.decodeUnknownSync(Webhook.Webhook, { onExcessProperty: "error" })(body)
    for (const { body } of payloads) Schema.decodeUnknownSync(Webhook.Payload, { onExcessProperty: "error" })(body)
    // The list and delete pages answer arrays of webhooks.
    const arrays = pages.filter(({ file }) => /^(get|delete)-webhook\.mdx$/.test(file))
    expect(arrays).toHaveLength(2)
  })

  it("takes both spellings of a registration and answers the canonical one", () => {
    const guide = { url: "https://your-app.com/webhooks/refold", events: ["Connection Created", "Workflow Errored"] }
    const spec = { webhook_url: guide.url, webhook_events: guide.events, webhook_type: "default" }
    expect(decodeCreate(guide)).toEqual(Either.right({ webhook_url: guide.url, webhook_events: guide.events }))
    expect(decodeCreate(spec)).toEqual(Either.right(spec))
    expect(decodeCreate({ ...spec, ...guide })).toEqual(Either.right(spec)) // the same values twice agree
    // The cURL requests of the pages decode as they are.
    const requests = objects.filter(({ body }) => !("_id" in body) && ("url" in body || "webhook_url" in body))
    expect(requests.length).toBeGreaterThanOrEqual(2)
    for (const { body } of requests) expect(Either.isRight(decodeCreate(body)), JSON.stringify(body)).toBe(true)
    expect(decodeUpdate({ is_enabled: false, webhook_events: ["Workflow Completed"] })).toEqual(Either.right({ is_enabled: false, webhook_events: ["Workflow Completed"] }))
    expect(decodeUpdate({ events: ["Workflow Completed"] })).toEqual(Either.right({ webhook_events: ["Workflow Completed"] }))
  })

  it("names what is wrong with a registration", () => {
    expect(why(decodeCreate({ url: "https://x.example", events: ["Workflow Exploded"] }))).toMatchObject({ path: ["events", 0] })
    expect(why(decodeCreate({ url: "ftp://x.example", events: ["Workflow Errored"] }))?.message).toMatch(/http:\/\/ or https:\/\//)
    expect(why(decodeCreate({ url: "https://x.example", webhook_url: "https://y.example", events: ["Workflow Errored"] }))?.message).toMatch(/disagree/)
    expect(why(decodeCreate({ url: "https://x.example" }))?.message).toMatch(/webhook_events \(or events\) is required/)
    expect(why(decodeCreate({ url: "https://x.example", events: [] }))?.message).toMatch(/at least one event/)
    expect(why(decodeCreate({ url: "https://x.example", events: ["Workflow Errored"], method: "GET" }))).toMatchObject({ path: ["method"] })
    expect(why(decodeUpdate({ webhook_url: "not a url" }))?.message).toMatch(/expected an http/)
  })

  it("keeps event names open when decoding answers, closed when registering", () => {
    const later = { _id: "1", webhook_url: "https://x.example", webhook_events: ["Workflow Paused"] }
    expect(Schema.decodeUnknownSync(Webhook.Webhook)(later).webhook_events).toEqual(["Workflow Paused"])
    expect(Either.isLeft(decodeCreate({ url: later.webhook_url, events: later.webhook_events }))).toBe(true)
  })
})
