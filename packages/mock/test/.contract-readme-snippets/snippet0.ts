import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { RefoldApi } from "@refold-effect/contract"
import { Console, Effect } from "effect"

const account = { linked_account_id: "user_12345" }

const program = Effect.gen(function*() {
  const refold = yield* HttpApiClient.make(RefoldApi.RefoldApi, {
    baseUrl: process.env["REFOLD_BASE_URL"] ?? "http://127.0.0.1:4010",
    transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-api-key", "tk_local"))
  })
  const page = yield* refold.executions.listExecutions({ urlParams: { status: "ERRORED", limit: 5 }, headers: account })
  const execution = yield* refold.executions.getExecution({ path: { execution_id: page.docs[0]!._id }, headers: account })
  yield* Console.log(`${execution._id} ${execution.status}: ${execution.nodes.length} nodes`)
  // An error status is the vendor's body: here a 404, with the request id of the x-request-id header.
  const missing = yield* Effect.flip(refold.executions.getExecution({ path: { execution_id: "000000000000000000000000" }, headers: account }))
  if ("status_code" in missing) yield* Console.log(`${missing.status_code} ${missing.message} (request ${missing.request_id})`)
})

Effect.runPromise(program.pipe(Effect.provide(FetchHttpClient.layer)))
