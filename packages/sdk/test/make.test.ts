/**
 * `Executions.make` and `Workflows.make`, as the README names them: the services built for layers
 * of one's own, here against the mock in-process.
 */
import { describe, expect, it } from "@effect/vitest"
import { createMockApp, MockHttpClient } from "@refold-effect/mock"
import { Effect, Layer } from "effect"
import { Executions, make, makeWorkflows, RefoldAuth, RefoldConfig, Workflows } from "../src/index.js"

const ACCOUNT = "user_12345"

describe("Executions.make and Workflows.make", () => {
  it.effect("build the services for a layer of one's own", () =>
    Effect.gen(function*() {
      const mock = createMockApp()
      // A layer built by hand from `make`, as a user wires the SDK into an app of their own.
      const Mine = Layer.merge(Layer.effect(Executions, Executions.make), Layer.effect(Workflows, Workflows.make)).pipe(
        Layer.provide([
          RefoldAuth.apiKey({ apiKey: "tk_test_make", linkedAccountId: ACCOUNT }),
          RefoldConfig.layer({ baseUrl: "http://mock.local" }),
          MockHttpClient.layer(mock)
        ])
      )
      const page = yield* Effect.flatMap(Executions, (e) => e.list({ limit: 2 })).pipe(Effect.provide(Mine))
      expect(page.docs.map((d) => d._id)).toEqual(mock.store.executions(ACCOUNT).slice(0, 2).map((d) => d._id))
      const workflows = yield* Workflows.pipe(Effect.provide(Mine))
      expect(typeof workflows.execute).toBe("function")
    }))

  it("are the module's make and makeWorkflows, still exported", () => {
    expect(Executions.make).toBe(make)
    expect(Workflows.make).toBe(makeWorkflows)
  })
})
