import { describe, expect, it } from "@effect/vitest"
import { RefoldApi } from "@refold-effect/contract"
import { createMockApp } from "../src/index.js"
import * as Routes from "../src/internal/Routes.js"
import { small } from "./support/data.js"

const api = (path: string) => [RefoldApi.listPath, RefoldApi.getPath].some((t) => Routes.matches(t, path))

describe("Routes.matches", () => {
  it.each([
    ["/api/v2/public/execution", true],
    ["/api/v2/public/execution/", true],
    ["/api/v2/public/execution/65410cf6cdf931a12d7ab009", true],
    ["/api/v2/public/execution/abc/", true],
    ["/api/v2/public/execution//", false],
    ["/api/v2/public/execution/abc//", false],
    ["/api/v2/public/execution/a/b", false],
    ["/api/v2/public/executions", false],
    ["/api/v2/public", false],
    ["/", false]
  ])("%s fits an API route: %s", (path, expected) => {
    expect(api(path)).toBe(expected)
  })
})

/** The routes of a mock app, as the app reads them from its route table. */
const appRoutes = () => {
  const mock = createMockApp({ data: small(2) })
  mock.close()
  return Routes.of(mock.app.routes, (path) => path.startsWith("/api/"))
}

describe("Routes, derived from the contract", () => {
  const routes = appRoutes()

  it("knows every operation of the contract, and the methods each path allows", () => {
    for (const e of RefoldApi.endpoints) expect(routes.known).toContain(`${e.method} ${e.path}`)
    expect(routes.allowed("/api/v2/public/execution/65410cf6cdf931a12d7ab009/stop")).toBe("POST")
    expect(routes.allowed("/api/v2/public/execution/65410cf6cdf931a12d7ab009")).toBe("GET, HEAD")
    expect(routes.allowed("/api/v2/public/execution/x/nodes/1/batches/")).toBe("GET, HEAD")
    expect(routes.allowed("/api/v2/public/workflow/x/execute")).toBe("POST")
    expect(routes.allowed("/api/v2/public/workflow/x")).toBeUndefined()
  })

  it("suggests the new routes", () => {
    expect(routes.nearest("POST", "/api/v2/public/execution/65410cf6cdf931a12d7ab009/stpo")).toBe(`POST ${RefoldApi.stopPath}`)
    expect(routes.nearest("POST", "/api/v2/public/workflows/6a106ba44480b80424a65289/execute")).toBe(`POST ${RefoldApi.executePath}`)
  })

  it("knows every admin route an app serves, so that a 404 suggests it", () => {
    const mock = createMockApp({ data: small(2) })
    try {
      const served = mock.app.routes.filter((r) => r.method !== "ALL" && r.path.startsWith("/__admin/")).map((r) => `${r.method} ${r.path}`)
      expect(served.length).toBeGreaterThan(10)
      for (const route of served) expect(routes.known).toContain(route)
    } finally {
      mock.close()
    }
  })

  it("suggests the route that completes a path with the same method, before a shorter one", () => {
    expect(routes.nearest("POST", "/__admin/clock")).toBe("POST /__admin/clock/advance")
    expect(routes.nearest("POST", "/__admin/clock/")).toBe("POST /__admin/clock/advance")
    expect(routes.nearest("POST", "/__admin/executions/6b149f556d6f636b00000002")).toBe("POST /__admin/executions/:id/outcome")
    expect(routes.nearest("GET", "/__admin/clok")).toBe("GET /__admin/clock")
    expect(routes.nearest("POST", "/__admin/rest")).toBe("POST /__admin/reset")
  })
})
