/**
 * The API's documentation, served by the mock: `GET /openapi.json` (the contract's generated
 * OpenAPI document) and `GET /docs`, an interactive reference of it rendered by Swagger UI
 * (`swagger-ui-dist`), whose script and stylesheet the package ships in `docs-ui/` (copied at build
 * time, see `scripts/docs-ui.mjs`): no CDN at run time, and the page asks nothing of any host but
 * the mock.
 *
 * Swagger UI rather than Scalar: `swagger-ui-dist` adds 12 MB and no engine warning on Node 20,
 * where `@scalar/api-reference` brought about 300 MB on disk (Vue, an AI chat SDK, icon sets) and wants
 * Node 22 (figures in the README).
 *
 * @since 0.1.0
 */
import { OpenApi } from "@refold-effect/contract"
import { Hono } from "hono"
import { existsSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as Reply from "./internal/Reply.js"

/** The path of the OpenAPI document. */
export const openApiPath = "/openapi.json"

/** The path of the API reference page. */
export const docsPath = "/docs"

/** The files of `swagger-ui-dist` the page loads, by the path the mock serves them at. */
const assets = {
  "/docs/swagger-ui-bundle.js": { file: "swagger-ui-bundle.js", type: "text/javascript; charset=utf-8" },
  "/docs/swagger-ui.css": { file: "swagger-ui.css", type: "text/css; charset=utf-8" }
} as const

/**
 * Where the files are: the package's `docs-ui/` (beside `dist/` and `src/`), written by the build;
 * before the first build (tests run from `src`), the `swagger-ui-dist` devDependency itself.
 */
const assetDir = () => {
  const shipped = fileURLToPath(new URL("../docs-ui/", import.meta.url))
  return existsSync(shipped) ? shipped : dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"))
}

const lazy = <A>(make: () => A): (() => A) => {
  let value: { readonly a: A } | undefined
  return () => (value ??= { a: make() }).a
}

// The document names the real API as its server; "Try it out" on the mock's page must hit the mock,
// so the page replaces the servers with its own origin. No validator badge: it would call out.
const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Refold execution API · refold-effect mock</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
  </head>
  <body>
    <div id="app"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script>
      fetch("${openApiPath}")
        .then((response) => response.json())
        .then((spec) => {
          spec.servers = [{ url: window.location.origin, description: "this mock" }]
          window.ui = SwaggerUIBundle({ spec, dom_id: "#app", deepLinking: true, validatorUrl: null })
        })
    </script>
  </body>
</html>
`

/**
 * The contract's document as this mock serves it: the vendor's server first, then this mock at the
 * origin the request reached it on (the contract names the default address, `pnpm start`'s), so
 * that a client generator or an import pointed at `/openapi.json` finds the mock on any port.
 */
const servedDocument = (document: ReturnType<typeof OpenApi.document>, origin: string): string => {
  const [vendor] = document.servers ?? []
  return JSON.stringify({ ...document, servers: [...(vendor === undefined ? [] : [vendor]), { url: origin, description: "this mock" }] }, null, 2)
}

/** The documentation routes. Each asset is read on first request and then kept in memory. */
export const routes = (): Hono => {
  const document = lazy(() => OpenApi.document())
  const docs = new Hono({ strict: false })
  docs.get(openApiPath, (c) => new Response(servedDocument(document(), new URL(c.req.url).origin), { headers: { "content-type": Reply.contentType } }))
  docs.get(docsPath, () => new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } }))
  for (const [path, asset] of Object.entries(assets)) {
    const body = lazy(() => readFileSync(join(assetDir(), asset.file)))
    docs.get(path, () => new Response(body(), { headers: { "content-type": asset.type, "cache-control": "public, max-age=3600" } }))
  }
  return docs
}
