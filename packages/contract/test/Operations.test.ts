import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { Batch, Control, Execute, Guard } from "../src/index.js"
import { examples } from "./support/vendorDocs.js"

const bodies = (file: string) => examples().filter((e) => e.file.endsWith(file)).map((e) => e.body)

describe("the answers of stop, rerun, batches and execute", () => {
  it("decode the docs pages' 200 examples", () => {
    expect(bodies("stop-execution.mdx")).toContainEqual({ message: Control.STOPPING_MESSAGE })
    for (const body of bodies("stop-execution.mdx").filter((b) => !("status_code" in b))) {
      expect(Schema.decodeUnknownSync(Control.StopResult)(body)).toEqual(body)
    }
    const rerun = bodies("rerun-execution.mdx").find((b) => "id" in b)!
    expect(Schema.decodeUnknownSync(Control.RerunResult)(rerun)).toEqual(rerun)
    const page = bodies("list-batches.mdx").find((b) => "docs" in b)!
    expect(Schema.decodeUnknownSync(Batch.BatchPage)(page)).toEqual(page)
    const started = bodies("execute-workflow.mdx").find((b) => "execution_id" in b)!
    expect(started).toMatchObject({ message: Execute.STARTED_MESSAGE })
    expect(Schema.decodeUnknownSync(Execute.Result)(started)).toEqual(started)
  })

  it("accept the OpenAPI document's InstanceExecutionResult and keep unknown fields", () => {
    const sync = {
      execution_id: "6a314c54d4616e99e7fa5a02",
      return_value: { ok: [1, 2] },
      errored: false,
      status_code: 200,
      executed_by_thanos: true,
      execution_error: {},
      headers: { "x-a": "b" }
    }
    expect(Schema.decodeUnknownSync(Execute.Result)(sync)).toEqual(sync)
    expect(Schema.decodeUnknownSync(Batch.Batch)({ batch_index: 2, status: "Queued", attempts: 3 })).toEqual({ batch_index: 2, status: "Queued", attempts: 3 })
    expect(() => Schema.decodeUnknownSync(Execute.Result)({ errored: "no" })).toThrow(/errored/)
    expect(() => Schema.decodeUnknownSync(Control.RerunResult)({ status: "success" })).toThrow(/id/)
  })

  it("have compiled guards that agree with Schema.is", () => {
    const samples: Array<unknown> = [{}, { message: 1 }, { message: "x" }, { status: "success", id: "a" }, { docs: [], totalDocs: 0, limit: 1, totalPages: 1, page: 1, hasNextPage: false }, null, []]
    for (const schema of [Control.StopResult, Control.RerunResult, Execute.Result, Batch.BatchPage] as const) {
      const guard = Guard.compile(schema as Schema.Schema<unknown, unknown>)
      for (const s of samples) expect(guard(s)).toBe(Schema.is(schema as Schema.Schema<unknown, unknown>)(s))
    }
  })

  it("decode the batches query naming the bad parameter", () => {
    const decode = Schema.decodeUnknownEither(Batch.Params)
    const right = decode({ page: "2", limit: "5", status: "Success" })
    expect(right._tag === "Right" && right.right).toEqual({ page: 2, limit: 5, status: "Success" })
    const left = decode({ limit: "0" })
    expect(left._tag === "Left" && String(left.left)).toContain('Invalid query parameter "limit"')
  })
})
