/**
 * Quick start for Promise users: list, get, iterate with `for await` and error classes.
 *
 * Against the local mock (`pnpm start`, any API key, bundled account `user_12345`):
 *
 *   REFOLD_BASE_URL=http://127.0.0.1:4010 REFOLD_API_KEY=tk_test_local REFOLD_LINKED_ACCOUNT_ID=user_12345 \
 *     pnpm --filter @refold-effect/sdk example examples/promise.ts
 */
import { createRefoldClient, NotFound } from "@refold-effect/sdk/promise"

// Credentials and settings from REFOLD_API_KEY, REFOLD_LINKED_ACCOUNT_ID and REFOLD_BASE_URL.
const refold = createRefoldClient()

try {
  const page = await refold.executions.list({ limit: 5 })
  console.log(`${page.totalDocs} executions in ${page.totalPages} pages of ${page.limit}`)

  const newest = await refold.executions.get(page.docs[0]!._id)
  console.log(`newest: ${newest.name} (${newest.status}, ${newest.nodes.length} nodes)`)

  // Every execution across all pages; leaving the loop stops fetching.
  let errored = 0
  for await (const execution of refold.executions.iterate({ status: "ERRORED", limit: 50 })) {
    if (execution.status === "ERRORED") errored++
  }
  console.log(`errored: ${errored}`)

  try {
    await refold.executions.get("000000000000000000000000")
  } catch (error) {
    if (!(error instanceof NotFound)) throw error
    console.log(`missing: not found (request id ${error.requestId})`)
  }
} finally {
  await refold.close()
}
