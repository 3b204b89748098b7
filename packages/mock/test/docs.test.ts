/** `/openapi.json` and `/docs` over HTTP (the page itself is rendered in Chromium by docs.browser.test.ts). */
import { OpenApi, RefoldApi } from "@refold-effect/contract"
import { describe, expect, it } from "vitest"
import { createMockApp } from "../src/index.js"
import { small } from "./support/data.js"

const mock = createMockApp({ data: small(5) })
const get = (path: string) => mock.fetch(new Request(`http://x${path}`))

describe("docs", () => {
  it("serves the contract's generated OpenAPI document at /openapi.json", async () => {
    const response = await get("/openapi.json")
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8")
    const document = (await response.json()) as { paths: Record<string, unknown> }
    expect(document).toEqual(OpenApi.document())
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
})
