/**
 * The API's documentation, served by the mock: `GET /openapi.json` (the contract's generated
 * OpenAPI document) and `GET /docs`, an interactive reference of it rendered by Scalar
 * (`@scalar/api-reference`), whose script is served from `node_modules`: no CDN at run time, and the
 * page asks for no font or asset from anywhere but the mock.
 *
 * @since 0.1.0
 */
import { OpenApi } from "@refold-effect/contract"
import { Hono } from "hono"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import * as Reply from "./internal/Reply.js"

/** The path of the OpenAPI document. */
export const openApiPath = "/openapi.json"

/** The path of the API reference page. */
export const docsPath = "/docs"

const scriptPath = "/docs/scalar.js"

/** Where the Scalar standalone bundle lives (its package exports no path to it, so go from its entry). */
const scriptFile = () => join(dirname(createRequire(import.meta.url).resolve("@scalar/api-reference")), "browser", "standalone.js")

const lazy = <A>(make: () => A): (() => A) => {
  let value: { readonly a: A } | undefined
  return () => (value ??= { a: make() }).a
}

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Refold execution API · refold-effect mock</title>
  </head>
  <body>
    <div id="app"></div>
    <script src="${scriptPath}"></script>
    <script>
      Scalar.createApiReference("#app", {
        url: "${openApiPath}",
        withDefaultFonts: false,
        showDeveloperTools: "never",
        agent: { disabled: true },
        mcp: { disabled: true },
        telemetry: false,
        servers: [{ url: window.location.origin, description: "this mock" }]
      })
    </script>
  </body>
</html>
`

/** The documentation routes. The script (about 4 MB) is read on first request and then kept in memory. */
export const routes = (): Hono => {
  const document = lazy(() => OpenApi.render())
  const script = lazy(() => readFileSync(scriptFile()))
  const docs = new Hono({ strict: false })
  docs.get(openApiPath, () => new Response(document(), { headers: { "content-type": Reply.contentType } }))
  docs.get(docsPath, () => new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } }))
  docs.get(scriptPath, () =>
    new Response(script(), { headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600" } })
  )
  return docs
}
