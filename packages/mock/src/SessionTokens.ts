/**
 * The session tokens the mock accepts as `Authorization: Bearer <token>`: those a data set's
 * accounts define, and those minted at run time for tests.
 *
 * Minted tokens look like the vendor's (a JWT whose payload carries `org_id`, `linked_account_id`
 * and `environment`), so that code which reads a token's claims works against the mock; the
 * signature is random, and the mock recognises a token by its exact string, never by decoding it.
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
}

const base64url = (bytes: Uint8Array): string =>
  btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join("")).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")

const encodeJson = (value: unknown) => base64url(new TextEncoder().encode(JSON.stringify(value)))

const header = encodeJson({ alg: "HS256", typ: "JWT" })

/**
 * The tokens of a store's accounts, plus room for minted ones. Throws when two accounts define the
 * same token, since the token could then not say which account it is.
 */
export const make = (store: ExecutionStore): SessionTokens => {
  const tokens = new Map<string, string>()
  for (const account of store.accounts) {
    for (const token of account.session_tokens) {
      const owner = tokens.get(token)
      if (owner !== undefined && owner !== account.linked_account_id) {
        throw new Error(`Accounts ${JSON.stringify(owner)} and ${JSON.stringify(account.linked_account_id)} define the same session token`)
      }
      tokens.set(token, account.linked_account_id)
    }
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
    const payload = encodeJson({
      org_id: account.org_id,
      linked_account_id: account.linked_account_id,
      environment: account.environment ?? "test",
      iat: Math.floor(Date.now() / 1000)
    })
    const token = `${header}.${payload}.${base64url(crypto.getRandomValues(new Uint8Array(32)))}`
    tokens.set(token, account.linked_account_id)
    return token
  }

  return { resolve: (token) => tokens.get(token), mint }
}
