/**
 * What npm installs: the README links `openapi.json` and `OpenApi.ts` says the package ships it, so
 * the tarball holds it and `@refold-effect/contract/openapi.json` resolves to it (for a client
 * generator or an OpenAPI tool pointed into `node_modules`).
 */
import { describe, expect, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"

const packageDir = fileURLToPath(new URL("..", import.meta.url))

describe("the published package", () => {
  it("ships openapi.json in its tarball", () => {
    const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: packageDir, encoding: "utf8" })) as Array<{ files: Array<{ path: string }> }>
    expect(packed[0]!.files.map((f) => f.path)).toContain("openapi.json")
  })

  it("exports it as @refold-effect/contract/openapi.json", () => {
    const file = createRequire(import.meta.url).resolve("@refold-effect/contract/openapi.json")
    expect(readFileSync(file, "utf8")).toBe(readFileSync(`${packageDir}openapi.json`, "utf8"))
  })
})
