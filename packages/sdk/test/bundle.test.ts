/**
 * What a bundler sees of the SDK: no Node module on any platform, since every request goes through
 * the application's `HttpClient`. Built with esbuild from the sources, the peer dependencies left
 * out as an application's bundler would share them.
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

describe("bundling the SDK", () => {
  for (const platform of ["browser", "node"] as const) {
    it(`for ${platform === "browser" ? "a browser" : "Node"}: no node: module`, async () => {
      const metafile = await bundle(platform)
      expect(imports(metafile).filter((path) => path.startsWith("node:"))).toEqual([])
      expect(imports(metafile)).toContain("@effect/platform")
    })
  }
})
