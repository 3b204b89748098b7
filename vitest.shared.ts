import { defineConfig } from "vitest/config"

/**
 * Shared vitest settings: workspace packages resolve to their TypeScript sources through the
 * `@refold-effect/source` export condition, so tests never need a prior build.
 */
export const shared = defineConfig({
  resolve: { conditions: ["@refold-effect/source"] },
  ssr: { resolve: { conditions: ["@refold-effect/source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    // In CI every package also writes a JSON report, summed by .ci/summary.mjs into one closing line.
    reporters: process.env["CI"] ? ["default", ["json", { outputFile: "test-results.json" }]] : ["default"],
    // Generous: CI machines have 2 cores, and a slow test is still a passing one.
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
