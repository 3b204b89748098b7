/**
 * Quick start for Effect users: list, get, stream and typed error handling.
 *
 * Against the local mock (`pnpm start`, any API key, bundled account `user_12345`):
 *
 *   REFOLD_BASE_URL=http://127.0.0.1:4010 REFOLD_API_KEY=tk_test_local REFOLD_LINKED_ACCOUNT_ID=user_12345 \
 *     pnpm --filter @refold-effect/sdk example examples/effect.ts
 */
import { FetchHttpClient } from "@effect/platform"
import { Executions } from "@refold-effect/sdk"
import { Console, Effect, Layer, Stream } from "effect"

const program = Effect.gen(function*() {
  const executions = yield* Executions

  // One page, newest first.
  const page = yield* executions.list({ limit: 5 })
  yield* Console.log(`${page.totalDocs} executions in ${page.totalPages} pages of ${page.limit}`)

  // One execution with its nodes.
  const newest = yield* executions.get(page.docs[0]!._id)
  yield* Console.log(`newest: ${newest.name} (${newest.status}, ${newest.nodes.length} nodes)`)

  // Every errored execution across all pages, the next pages requested while one is processed.
  const errored = yield* executions.stream({ status: "ERRORED", limit: 50 }).pipe(Stream.runCount)
  yield* Console.log(`errored: ${errored}`)

  // Typed errors: handle the ones you expect by tag.
  const missing = yield* executions.get("000000000000000000000000").pipe(
    Effect.map((execution) => execution.name),
    Effect.catchTag("NotFound", (error) => Effect.succeed(`not found (request id ${error.requestId})`))
  )
  yield* Console.log(`missing: ${missing}`)
})

// Credentials and settings from the environment (REFOLD_*); requests through the platform's fetch client.
const RefoldLive = Executions.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))

Effect.runPromise(program.pipe(Effect.provide(RefoldLive))).catch((error) => {
  console.error(String(error))
  process.exitCode = 1
})
