/**
 * The `#native` import where the runtime has no `node:http` (browsers, edge workers): no native
 * client, so requests go through `fetch`. See `node.ts`.
 *
 * @internal
 */
import type { Send } from "./node.js"

export type { Outcome, Send } from "./node.js"

/** None here. */
export const send: Send | undefined = undefined
