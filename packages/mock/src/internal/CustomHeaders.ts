/**
 * The headers of a custom webhook (`webhook_headers`), checked when a webhook is registered or
 * updated so that a delivery can always send them: names are HTTP tokens (RFC 9110), values hold
 * no CR, LF or NUL and nothing beyond Latin-1 (what HTTP/1.1 can carry), and no name is one the
 * mock or the HTTP client sets itself: the signature, and the message framing.
 *
 * @internal
 */
import { Webhook } from "@refold-effect/contract"

/** Names a webhook cannot set: the signature is the mock's, the rest belong to the HTTP client. */
export const reserved: ReadonlySet<string> = new Set([
  Webhook.signatureHeader,
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "host",
  "expect",
  "te",
  "trailer"
])

/** An HTTP token: the characters a header name may have. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** A value's first character that HTTP cannot carry (CR, LF, NUL, beyond Latin-1), as its index, or -1. */
const badCharacter = (value: string): number => {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 0x0d || c === 0x0a || c === 0x00 || c > 0xff) return i
  }
  return -1
}

const quoted = (name: string) => JSON.stringify(name.length > 100 ? `${name.slice(0, 100)}…` : name)

/** Why `headers` cannot be a webhook's headers, naming the header, or `undefined` when they can. */
export const check = (headers: Readonly<Record<string, string>>): string | undefined => {
  const seen = new Set<string>()
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) return `webhook_headers: ${quoted(name)} is not a valid HTTP header name`
    const lower = name.toLowerCase()
    if (reserved.has(lower)) return `webhook_headers: ${quoted(name)} cannot be set: ${lower === Webhook.signatureHeader ? "the mock signs each delivery in it" : "the HTTP client sets it"}`
    if (seen.has(lower)) return `webhook_headers: ${quoted(name)} is given twice (header names are case-insensitive)`
    seen.add(lower)
    const bad = badCharacter(value)
    if (bad !== -1) return `webhook_headers: the value of ${quoted(name)} has a character HTTP cannot carry (code ${value.charCodeAt(bad)} at ${bad})`
  }
  return undefined
}
