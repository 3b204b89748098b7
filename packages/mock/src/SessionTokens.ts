/**
 * The session tokens the mock accepts as `Authorization: Bearer <token>`: those a data set's
 * accounts define, and those minted at run time for tests.
 *
 * Minted tokens look like the vendor's (a JWT whose payload carries `org_id`, `linked_account_id`
 * and `environment`), so that code which reads a token's claims works against the mock; the
 * signature is random, and the mock recognises a token by its exact string, never by decoding it.
 *
 * Minted tokens are bounded: each expires {@link TTL_SECONDS} after it was minted (its `exp`
 * claim), on the app's clock (so a manual clock's advance or `TestClock.adjust` expires it), at most {@link MAX_MINTED} are valid at once (minting one more forgets the oldest), and a
 * reset forgets them all. The data set's tokens never expire.
 *
 * @since 0.1.0
 */
import type { ExecutionStore } from "./ExecutionStore.js"

/** The session tokens of one mock app. */
export interface SessionTokens {
  /** The linked account a token authenticates as, if the token is known. */
  readonly resolve: (token: string) => string | undefined
  /**
   * A new token that authenticates as the account. Throws when the data set does not define the
   * account.
   */
  readonly mint: (linkedAccountId: string) => string
  /** Forgets every minted token (the data set's stay). */
  readonly reset: () => void
  /** The text with every token this app knows (defined or minted, valid) replaced by `replacement`. */
  readonly redact: (text: string, replacement: string) => string
}

/** How long a minted token is valid: one day, in seconds. */
export const TTL_SECONDS = 86_400

/** How many minted tokens are valid at once, at most. */
export const MAX_MINTED = 10_000

const base64url = (bytes: Uint8Array): string =>
  btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join("")).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")

const encodeJson = (value: unknown) => base64url(new TextEncoder().encode(JSON.stringify(value)))

const header = encodeJson({ alg: "HS256", typ: "JWT" })

/**
 * The tokens of a store's accounts, plus room for minted ones, minted and expired on `now` (the
 * app's clock; default the system's). Throws when two accounts define the same token, since the
 * token could then not say which account it is.
 */
export const make = (store: ExecutionStore, now: () => number = Date.now): SessionTokens => {
  const defined = new Map<string, string>()
  for (const account of store.accounts) {
    for (const token of account.session_tokens) {
      const owner = defined.get(token)
      if (owner !== undefined && owner !== account.linked_account_id) {
        throw new Error(`Accounts ${JSON.stringify(owner)} and ${JSON.stringify(account.linked_account_id)} define the same session token`)
      }
      defined.set(token, account.linked_account_id)
    }
  }
  // Longest first, so that a token containing another is redacted whole.
  const definedTokens = [...defined.keys()].sort((a, b) => b.length - a.length)
  /** Minted tokens, oldest first (a `Map` keeps insertion order), with their account and expiry. */
  const minted = new Map<string, { readonly account: string; readonly expires: number }>()

  const resolve = (token: string): string | undefined => {
    const account = defined.get(token)
    if (account !== undefined) return account
    const entry = minted.get(token)
    if (entry === undefined) return undefined
    if (now() < entry.expires) return entry.account
    minted.delete(token)
    return undefined
  }

  const mint = (linkedAccountId: string): string => {
    const account = store.account(linkedAccountId)
    if (account === undefined) {
      const known = store.accounts.map((a) => JSON.stringify(a.linked_account_id))
      throw new Error(
        `Cannot mint a session token for unknown linked account ${JSON.stringify(linkedAccountId)}; the data set defines ${
          known.length > 10 ? `${known.slice(0, 10).join(", ")} and ${known.length - 10} more` : known.join(", ")
        }`
      )
    }
    const iat = Math.floor(now() / 1000)
    const payload = encodeJson({
      org_id: account.org_id,
      linked_account_id: account.linked_account_id,
      environment: account.environment ?? "test",
      iat,
      exp: iat + TTL_SECONDS
    })
    const token = `${header}.${payload}.${base64url(crypto.getRandomValues(new Uint8Array(32)))}`
    if (minted.size >= MAX_MINTED) minted.delete(minted.keys().next().value!)
    minted.set(token, { account: account.linked_account_id, expires: (iat + TTL_SECONDS) * 1000 })
    return token
  }

  /** Minted tokens in a text: each starts with the fixed header, then two more dot-separated parts. */
  const mintedIn = (text: string): Array<string> => {
    const found: Array<string> = []
    for (let at = text.indexOf(header); at !== -1; at = text.indexOf(header, at + 1)) {
      const candidate = JWT.exec(text.slice(at))?.[0]
      if (candidate === undefined) continue
      // The signature is 43 characters; anything glued after it is not the token's.
      const cut = candidate.slice(0, candidate.lastIndexOf(".") + 1 + SIGNATURE_LENGTH)
      if (minted.has(cut)) found.push(cut)
    }
    return found
  }

  /** The data set's tokens in a text: each searched for when they are few, else the text's words looked up. */
  const definedIn = (text: string): ReadonlyArray<string> =>
    definedTokens.length <= SCAN_LIMIT ? definedTokens.filter((token) => text.includes(token)) : (text.match(WORDS) ?? []).flatMap((word) => [word, word.replace(EDGES, "")]).filter((word) => defined.has(word))

  const redact = (text: string, replacement: string): string => {
    let out = text
    for (const token of definedIn(out)) if (out.includes(token)) out = out.split(token).join(replacement)
    if (minted.size > 0) for (const token of mintedIn(out)) out = out.split(token).join(replacement)
    return out
  }

  return { resolve, mint, reset: () => minted.clear(), redact }
}

/**
 * Up to this many data set tokens, a text is searched for each (a token is found anywhere); past it,
 * the text's words (runs of the characters tokens are made of) are looked up, so that reading the
 * journal of a data set with thousands of accounts stays linear.
 */
const SCAN_LIMIT = 64

const WORDS = /[A-Za-z0-9._~+/=-]+/g

/** Punctuation at a word's ends that is more likely the sentence's than the token's. */
const EDGES = /^[.~+/=-]+|[.~+/=-]+$/g

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/

/** The length of a minted token's signature: 32 random bytes in base64url. */
const SIGNATURE_LENGTH = 43
