/**
 * The body template of a custom webhook, rendered against one event: the vendor's double-brace
 * placeholders `{{event}}`, `{{event.<key>}}`, `{{workflow_response}}` and
 * `{{workflow_response.<key>}}` (a path of keys, and of indexes into arrays, joined by dots;
 * spaces inside the braces are ignored).
 *
 * - A template that is exactly one placeholder renders as the JSON of its value, so that
 *   `"{{event}}"` is the default payload and the body stays JSON.
 * - Inside a longer text, a string value goes in as it is, any other value as its JSON.
 * - A body template that is JSON (an object or an array) renders each string in it: a string that
 *   is exactly one placeholder becomes the value itself (`null` when missing), others as texts.
 * - A path that leads nowhere renders as nothing (`null` for a JSON template's whole-string
 *   placeholder). Braces whose content is not a path under `event` or `workflow_response` are kept
 *   as they are: they may be meant for the receiver.
 *
 * Rendering is one linear scan (no regular expression), and its output is bounded: past `limit`
 * characters it stops and says so, since a short template can repeat a large value many times.
 *
 * @internal
 */
import { Either } from "effect"

/** The values a template can reach. */
export interface Scope {
  /** The event's payload. */
  readonly event: unknown
  /** The Response node's payload, when the run has one. */
  readonly workflow_response?: unknown
}

const roots = new Set(["event", "workflow_response"])

/** Not a placeholder of ours: the braces are kept as they are. */
const NOT_OURS = Symbol("not ours")

/** What `{{expression}}` refers to: the value, `undefined` for a path that leads nowhere, or {@link NOT_OURS}. */
const lookup = (expression: string, scope: Scope): unknown => {
  const path = expression.trim().split(".")
  const root = path[0]!
  if (!roots.has(root)) return NOT_OURS
  let value: unknown = root === "event" ? scope.event : scope.workflow_response
  for (let i = 1; i < path.length; i++) {
    const key = path[i]!
    // Own properties only: `constructor` or `__proto__` lead nowhere.
    if (typeof value !== "object" || value === null || !Object.prototype.hasOwnProperty.call(value, key)) return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

/** The expression of a template that is exactly one placeholder, else `undefined`. */
const sole = (template: string): string | undefined => {
  if (!template.startsWith("{{") || !template.endsWith("}}") || template.length < 4) return undefined
  const inner = template.slice(2, -2)
  return inner.includes("{") || inner.includes("}") ? undefined : inner
}

const tooLong = (limit: number) => `rendered body longer than ${limit} characters`

/** A value as it goes into a text: strings as they are, anything else as JSON, nothing for a missing one. */
const textOf = (value: unknown): string => (value === undefined ? "" : typeof value === "string" ? value : (JSON.stringify(value) ?? ""))

/**
 * `template` with each placeholder replaced by its value's text, or why it could not be: longer
 * than `limit` characters.
 */
export const renderText = (template: string, scope: Scope, limit: number): Either.Either<string, string> => {
  const parts: Array<string> = []
  let size = 0
  const push = (text: string) => {
    parts.push(text)
    size += text.length
    return size <= limit
  }
  let pos = 0
  for (;;) {
    const open = template.indexOf("{{", pos)
    if (open === -1) break
    const close = template.indexOf("}}", open + 2)
    if (close === -1) break
    // The innermost opening before this close: `{{{event}}` is a `{` then `{{event}}`. Searching
    // back stops at `open`, so every character is scanned a bounded number of times.
    const start = template.lastIndexOf("{{", close - 1)
    const value = lookup(template.slice(start + 2, close), scope)
    const ok = push(template.slice(pos, start)) && push(value === NOT_OURS ? template.slice(start, close + 2) : textOf(value))
    if (!ok) return Either.left(tooLong(limit))
    pos = close + 2
  }
  return push(template.slice(pos)) ? Either.right(parts.join("")) : Either.left(tooLong(limit))
}

/**
 * The body a template renders to, as the text to send, or why it could not be rendered. A string
 * template is text (one placeholder alone: its JSON); a JSON template is rendered string by string
 * and sent as JSON; any other value (a number, `true`, `null`) is sent as its JSON.
 */
export const render = (template: unknown, scope: Scope, limit: number): Either.Either<string, string> => {
  if (typeof template === "string") {
    const expression = sole(template)
    const value = expression === undefined ? NOT_OURS : lookup(expression, scope)
    if (value === NOT_OURS) return renderText(template, scope, limit)
    const text = value === undefined ? "" : (JSON.stringify(value) ?? "")
    return text.length <= limit ? Either.right(text) : Either.left(tooLong(limit))
  }
  // The budget spent by the strings rendered so far, so that a JSON template cannot multiply a large value.
  let budget = limit
  const walk = (node: unknown): Either.Either<unknown, string> => {
    if (typeof node === "string") {
      const expression = sole(node)
      const value = expression === undefined ? NOT_OURS : lookup(expression, scope)
      if (value !== NOT_OURS) {
        budget -= textOf(value).length
        return budget < 0 ? Either.left(tooLong(limit)) : Either.right(value ?? null)
      }
      const rendered = renderText(node, scope, budget)
      if (Either.isLeft(rendered)) return Either.left(tooLong(limit))
      budget -= rendered.right.length
      return rendered
    }
    if (Array.isArray(node)) {
      const out: Array<unknown> = []
      for (const item of node) {
        const rendered = walk(item)
        if (Either.isLeft(rendered)) return rendered
        out.push(rendered.right)
      }
      return Either.right(out)
    }
    if (typeof node === "object" && node !== null) {
      const out: Record<string, unknown> = {}
      for (const [key, item] of Object.entries(node)) {
        const rendered = walk(item)
        if (Either.isLeft(rendered)) return rendered
        // Defined as data, so that a key `__proto__` stays a key.
        Object.defineProperty(out, key, { value: rendered.right, enumerable: true, writable: true, configurable: true })
      }
      return Either.right(out)
    }
    return Either.right(node)
  }
  return Either.flatMap(walk(template), (rendered) => {
    const text = JSON.stringify(rendered) ?? ""
    return text.length <= limit ? Either.right(text) : Either.left(tooLong(limit))
  })
}
