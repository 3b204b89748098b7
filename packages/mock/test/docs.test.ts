/** `/openapi.json` and `/docs` over HTTP (the page itself is rendered in Chromium by docs.browser.test.ts). */
import { OpenApi, RefoldApi } from "@refold-effect/contract"
import { describe, expect, it } from "vitest"
import { createMockApp, serve } from "../src/index.js"
import { small } from "./support/data.js"

const mock = createMockApp({ data: small(5) })
const get = (path: string) => mock.fetch(new Request(`http://x${path}`))

describe("docs", () => {
  it("serves the contract's generated OpenAPI document at /openapi.json", async () => {
    const response = await get("/openapi.json")
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8")
    const document = (await response.json()) as { paths: Record<string, unknown>; servers: ReadonlyArray<{ url: string }> }
    const contract = OpenApi.document()
    expect({ ...document, servers: undefined }).toEqual({ ...contract, servers: undefined })
    // The vendor's server, then this mock where the request reached it (not the contract's default port).
    expect(document.servers).toEqual([contract.servers![0], { url: "http://x", description: "this mock" }])
    expect(Object.keys(document.paths)).toEqual([...new Set(RefoldApi.endpoints.map((e) => e.path.replace(/:([a-z_]+)/g, "{$1}")))])
    expect(Object.keys(document.paths)).toContain("/api/v2/public/execution/{execution_id}/stop")
  })

  it("serves /docs as an HTML page that loads Swagger UI from the mock itself, never a CDN", async () => {
    const response = await get("/docs")
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8")
    const html = await response.text()
    expect(html).toContain('<script src="/docs/swagger-ui-bundle.js"></script>')
    expect(html).toContain('<link rel="stylesheet" href="/docs/swagger-ui.css" />')
    expect(html).toContain('fetch("/openapi.json")')
    expect(html).not.toMatch(/https?:\/\//)
    const script = await get("/docs/swagger-ui-bundle.js")
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8")
    expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000)
    const style = await get("/docs/swagger-ui.css")
    expect(style.headers.get("content-type")).toBe("text/css; charset=utf-8")
    expect(await style.text()).toContain(".swagger-ui")
  })

  it("names the mock's own address in /openapi.json over TCP, whatever its port", async () => {
    const server = await serve(mock, { port: 0 })
    try {
      const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { servers: ReadonlyArray<{ url: string }> }
      expect(document.servers.map((s) => s.url)).toEqual(["https://app.refold.ai", server.url])
    } finally {
      await server.close()
    }
  })
})
