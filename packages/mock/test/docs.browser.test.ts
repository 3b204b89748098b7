/**
 * The `/docs` page in a real browser: headless Chromium (Debian's, driven by playwright-core)
 * renders the API reference from `/openapi.json`, shows both operations, and asks nothing of any
 * host but the mock (no CDN, no fonts or telemetry from outside).
 */
import { existsSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { chromium, type Browser } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createMockApp, serve, type MockServer } from "../src/index.js"
import { small } from "./support/data.js"

const executablePath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium"
const args = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

// CI installs Chromium (.ci/system-packages), so there a missing browser fails; elsewhere it skips.
const available = existsSync(executablePath) || process.env["CI"] !== undefined

describe.skipIf(!available)("/docs in headless Chromium", () => {
  let server: MockServer
  let browser: Browser
  beforeAll(async () => {
    server = await serve(createMockApp({ data: small(5) }), { port: 0 })
    browser = await chromium.launch({ executablePath, args })
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it("renders the API reference with both endpoints, from the mock alone", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const foreign: Array<string> = []
    const origin = new URL(server.url).origin
    // Any request elsewhere (a CDN, fonts, telemetry) is recorded and refused.
    await page.route("**/*", (route) => {
      const url = route.request().url()
      if (url.startsWith(origin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue()
      foreign.push(url)
      return route.abort()
    })
    const errors: Array<string> = []
    page.on("pageerror", (e) => errors.push(e.message))

    await page.goto(`${server.url}/docs`, { waitUntil: "load" })
    for (const operation of ["List executions", "Get an execution"]) {
      await expect.poll(() => page.getByText(operation, { exact: true }).first().isVisible(), { timeout: 60_000 }).toBe(true)
    }
    const text = await page.locator("body").innerText()
    expect(text).toContain("Refold public execution API")
    expect(text).toContain("/api/v2/public/execution")
    await page.screenshot({ path: join(tmpdir(), "refold-mock-docs.png") })
    expect(errors).toEqual([])
    expect(foreign).toEqual([])
    await page.close()
  }, 120_000)
})
