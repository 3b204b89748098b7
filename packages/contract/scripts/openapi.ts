// Writes the generated OpenAPI document to openapi.json (run: pnpm --filter @refold-effect/contract openapi).
import { writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { OpenApi } from "../src/index.js"

const target = fileURLToPath(new URL("../openapi.json", import.meta.url))
writeFileSync(target, OpenApi.render())
console.log(`wrote ${target}`)
