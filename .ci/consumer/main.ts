// A consumer of the packed packages, as a team outside this repository would write it from the
// READMEs: the SDK against the mock over TCP, in-process, and through the Promise facade. Typechecked
// strictly (tsconfig.json) and run by .ci/pack-check.mjs; exits 1 when the three paths disagree.
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { DataSet } from "@refold-effect/fixtures"
import { createMockApp, MockHttpClient, serve } from "@refold-effect/mock"
import { Executions, RefoldAuth, RefoldConfig } from "@refold-effect/sdk"
import { createRefoldClient } from "@refold-effect/sdk/promise"
import { Effect, Layer, Stream } from "effect"

const credentials = { apiKey: "tk_consumer", linkedAccountId: "user_12345" }

// What the code under test asks: the first page's size and how many executions errored in all.
const program = Effect.gen(function*() {
  const executions = yield* Executions
  const page = yield* executions.list({ limit: 5 })
  const errored = yield* executions.stream({ status: "ERRORED", limit: 7 }).pipe(Stream.runCount)
  return { firstPage: page.docs.length, total: page.totalDocs, errored }
})

const refold = (baseUrl: string, http: Layer.Layer<HttpClient.HttpClient>) =>
  Executions.layer.pipe(
    Layer.provide([RefoldAuth.apiKey(credentials), RefoldConfig.layer({ baseUrl, maxRetries: 2 }), http])
  )

// A manual clock: the data set's RUNNING executions stay as they are while the three paths compare.
const mock = createMockApp({ data: DataSet.bundled(), clock: { speed: 0 } })
const server = await serve(mock, { port: 0 })
try {
  const overTcp = await Effect.runPromise(program.pipe(Effect.provide(refold(server.url, FetchHttpClient.layer))))
  const inProcess = await Effect.runPromise(program.pipe(Effect.provide(refold("http://mock", MockHttpClient.layer(mock)))))
  const client = createRefoldClient({ ...credentials, baseUrl: server.url })
  const promisePage = await client.executions.list({ limit: 5 })

  console.log(JSON.stringify({ overTcp, inProcess, promise: { firstPage: promisePage.docs.length, total: promisePage.totalDocs } }))
  const same = JSON.stringify(overTcp) === JSON.stringify(inProcess) && promisePage.totalDocs === overTcp.total
  if (!same || overTcp.firstPage !== 5 || overTcp.total < 5) {
    console.error("consumer: the SDK's answers over TCP, in-process and through the Promise facade differ")
    process.exitCode = 1
  }
} finally {
  await server.close()
}
