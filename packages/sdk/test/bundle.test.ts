/**
 * What a bundler sees of the SDK: for a browser it takes no Node module (the `#native` import
 * resolves to `none.ts`); for Node it takes Node's own HTTP client. Built with esbuild from the
 * sources, the peer dependencies left out as an application's bundler would share them.
 */
import { build, type Metafile } from "esbuild"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const bundle = async (platform: "browser" | "node"): Promise<Metafile> => {
  const result = await build({
    entryPoints: [fileURLToPath(new URL("../src/index.ts", import.meta.url)), fileURLToPath(new URL("../src/promise.ts", import.meta.url))],
    bundle: true,
    write: false,
    outdir: "out",
    format: "esm",
    platform,
    conditions: ["@refold-effect/source"],
    external: ["effect", "@effect/platform"],
    metafile: true,
    logLevel: "silent"
  })
  return result.metafile
}

const imports = (metafile: Metafile) => Object.values(metafile.inputs).flatMap((input) => input.imports.map((i) => i.path))
const sources = (metafile: Metafile) => Object.keys(metafile.inputs).map((path) => path.replace(/^.*\/src\//, "src/"))

describe("bundling the SDK", () => {
  it("for a browser: no node: module and no Node client, only fetch", async () => {
    const metafile = await bundle("browser")
    expect(imports(metafile).filter((path) => path.startsWith("node:"))).toEqual([])
    expect(sources(metafile)).toContain("src/internal/native/none.ts")
    expect(sources(metafile)).not.toContain("src/internal/native/node.ts")
  })

  it("for Node: Node's own http, https and zlib", async () => {
    const metafile = await bundle("node")
    expect(sources(metafile)).toContain("src/internal/native/node.ts")
    expect(new Set(imports(metafile).filter((path) => path.startsWith("node:")))).toEqual(new Set(["node:http", "node:https", "node:zlib"]))
  })
})
