/**
 * The root README's contract-test example, verbatim (a test below keeps the two in step): a consumer's
 * Effect code tested against the mock's kit, clean and with half the requests failing.
 */
import { expect, layer } from "@effect/vitest"
import { RefoldMock } from "@refold-effect/mock"
import { Executions, RefoldAuth, RefoldConfig } from "@refold-effect/sdk"
import { Effect, Layer, Stream } from "effect"

// The code under test.
const countErrored = Effect.flatMap(Executions, (executions) =>
  executions.stream({ status: "ERRORED", limit: 10 }).pipe(Stream.runCount))

const TestLayer = Executions.layer.pipe(
  Layer.provide(RefoldAuth.apiKey({ apiKey: "tk_test", linkedAccountId: "user_12345" })),
  Layer.provide(RefoldConfig.layer({ maxRetries: 8, retryDelay: "5 millis" })),
  Layer.provideMerge(RefoldMock.layer({ fixtures: { generate: { size: 500, seed: 1 } }, clock: { speed: 0 } }))
)

// excludeTestServices: the SDK's retries wait on the real clock; the mock's clock is manual
// (speed 0), so that its running executions hold still between the two counts.
layer(TestLayer, { excludeTestServices: true })("countErrored", (it) => {
  it.effect("gives the same answer when half the requests fail with 503", () =>
    Effect.gen(function*() {
      const clean = yield* countErrored
      yield* RefoldMock.setFaults({ seed: 7, errors: { rate: 0.5, statuses: [503] } })
      expect(yield* countErrored).toBe(clean)
    }))
})

// Keeps the README's code block and this file identical.
import { readFileSync } from "node:fs"
import { describe, it as test } from "vitest"

describe("README", () => {
  test("shows this file's example as it is", () => {
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8")
    const file = readFileSync(new URL(import.meta.url), "utf8")
    const example = file.slice(file.indexOf("import { expect"), file.indexOf("// Keeps the README"))
    expect(readme).toContain("```ts\n" + example.trimEnd() + "\n```")
  })
})

// This package's README: its snippet that uses the commands typechecks as written.
import { execFile } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

describe("this package's README", () => {
  test("its program snippet typechecks on its own", async () => {
    const own = readFileSync(new URL("../README.md", import.meta.url), "utf8")
    const snippets = [...own.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((code) => code.includes(`from "@refold-effect/example-cli"`))
    expect(snippets).toHaveLength(1)
    const dir = fileURLToPath(new URL("./.readme-program/", import.meta.url))
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    try {
      writeFileSync(`${dir}program.ts`, snippets[0]!)
      writeFileSync(`${dir}tsconfig.json`, JSON.stringify({ extends: "../../tsconfig.json", compilerOptions: { noEmit: true }, include: ["*.ts"] }))
      const tsc = fileURLToPath(new URL("../../../node_modules/typescript/bin/tsc", import.meta.url))
      const output = await new Promise<string>((resolve) =>
        execFile(process.execPath, [tsc, "-p", `${dir}tsconfig.json`], (error, stdout, stderr) => resolve(error === null ? "" : stdout + stderr || String(error))))
      expect(output).toBe("")
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 180_000)
})
