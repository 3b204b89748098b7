/**
 * Child: the mock server (`createMockApp` + `serve` from the built `@refold-effect/mock`) over a
 * data set: the bundled one, a generated one, or a directory. Reports its URL, the data set's size,
 * how long loading took and the heap it holds; answers `memory` with `process.memoryUsage()`.
 */
import { DataSet, type Fixture } from "@refold-effect/fixtures"
import { createMockApp, serve } from "@refold-effect/mock"
import * as Child from "../Child.js"

/** Where the data comes from. */
export type Data =
  | { readonly kind: "bundled" }
  | { readonly kind: "generate"; readonly size: number; readonly seed: number; readonly accounts?: number }
  | { readonly kind: "dir"; readonly dir: string }

/** The child's argument. */
export interface Args {
  readonly data: Data
}

/** What the child reports once listening. */
export interface Ready {
  readonly url: string
  readonly size: number
  readonly loadMs: number
  /** Heap used (after GC) before loading and after building the app. */
  readonly heapBefore: number
  readonly heapAfter: number
}

const load = (data: Data): Fixture.DataSet => {
  switch (data.kind) {
    case "bundled":
      return DataSet.bundled()
    case "generate":
      return DataSet.generate({ size: data.size, seed: data.seed, accounts: data.accounts })
    case "dir":
      return DataSet.load(data.dir)
  }
}

const { data } = Child.args<Args>()
const heapBefore = Child.memory(true).heapUsed
const t0 = performance.now()
let mock = createMockApp({ data: load(data) })
const loadMs = performance.now() - t0
const server = await serve(mock, { port: 0 })
const ready: Ready = { url: server.url, size: mock.store.size, loadMs, heapBefore, heapAfter: Child.memory(true).heapUsed }

Child.serve(
  ready,
  {
    memory: (args: { readonly collect: boolean }) => Child.memory(args.collect),
    /** Drops the app (and its data) to measure what the data set held. */
    release: () => {
      mock = undefined as never
      return Child.memory(true)
    }
  },
  () => server.close()
)
