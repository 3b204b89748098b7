/**
 * Independent verification: Prism's validating proxy (`prism proxy --errors`, a validator we did
 * not write) stands in front of the mock with the vendor's own OpenAPI document, and a request set
 * covering every filter, auth mode, scenario and error goes through it. Every response must hold
 * against the vendor's document; where the document and the vendor's docs pages disagree, the test
 * asserts the exact outcome (see "Where the vendor's spec and docs disagree" in the README).
 */
import type { ChildProcess} from "node:child_process";
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createMockApp, Lifecycle, serve, type MockApp, type MockServer } from "../src/index.js"

const docsDir = process.env["REFOLD_API_DOCS"] ?? fileURLToPath(new URL("../../../../shared/api/", import.meta.url))
const spec = join(docsDir, "refold-public-api.openapi.yaml")
const prismCli = join(createRequire(import.meta.url).resolve("@stoplight/prism-cli/package.json"), "..", "dist", "index.js")

const list = "/api/v2/public/execution"
const account = "user_12345"
const apiKey = { "x-api-key": "tk-prism", linked_account_id: account }
const seedId = "65410cf6cdf931a12d7ab009"
const detailId = "6a314c54d4616e99e7fa5a02"

/** Prism's warning for a status the vendor's document does not list (it documents only 200s). */
const undocumentedStatus = { location: ["response"], severity: "Warning", message: "Unable to match the returned status code with those defined in the document: 200" }

interface Outcome {
  readonly status: number
  readonly violations: ReadonlyArray<{ readonly severity: string; readonly message: string }>
  readonly body: Record<string, unknown>
  readonly headers: Headers
}

/** Starts Prism's proxy on a free port and resolves with its URL once it listens. */
const startPrism = (upstream: string): Promise<{ readonly url: string; readonly child: ChildProcess }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismCli, "proxy", "--errors", spec, upstream, "--port", "0", "--host", "127.0.0.1"], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    const timer = setTimeout(() => reject(new Error(`Prism did not start within 60 s:\n${output}`)), 60_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const listening = /Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (listening !== null) {
        clearTimeout(timer)
        child.stdout.off("data", onData)
        child.stdout.resume()
        child.stderr.resume()
        resolve({ url: listening[1]!, child })
      }
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`Prism exited with ${code}:\n${output}`))
    })
  })

describe.skipIf(!existsSync(spec) && process.env["CI"] === undefined)("the mock behind Prism's validating proxy, against the vendor's OpenAPI", () => {
  let mock: MockApp
  let server: MockServer
  let prism: { readonly url: string; readonly child: ChildProcess }
  let token: string

  beforeAll(async () => {
    if (!existsSync(spec)) throw new Error(`The vendor's OpenAPI document is expected at ${spec} (set REFOLD_API_DOCS to its directory)`)
    // A manual clock: a stop settles, and a synchronous run ends, when the test advances it.
    mock = createMockApp({ clock: { speed: 0 } })
    token = mock.mintSessionToken(account)
    // The upstream corrupts one response on request (header x-corrupt), to prove that Prism's
    // verdicts reach these assertions: a validator that never fails would prove nothing.
    const upstream: MockApp = {
      ...mock,
      handle: async (request, env) => {
        const response = await mock.handle(request, env)
        if (request.headers.get("x-corrupt") === null) return response
        const body = (await response.json()) as Record<string, unknown>
        return Response.json({ ...body, environment: "staging", nodes: "none" }, { status: response.status })
      }
    }
    server = await serve(upstream, { port: 0 })
    prism = await startPrism(server.url)
  }, 90_000)

  afterAll(async () => {
    if (prism !== undefined && prism.child.exitCode === null) {
      const exited = new Promise((done) => prism.child.once("exit", done))
      prism.child.kill("SIGTERM")
      await exited
    }
    await server?.close()
  })

  const send = async (path: string, headers: Record<string, string> = apiKey, init: RequestInit = {}): Promise<Outcome> => {
    const response = await fetch(`${prism.url}${path}`, { headers, ...init })
    const violations = JSON.parse(response.headers.get("sl-violations") ?? "[]") as Outcome["violations"]
    const text = await response.text()
    return { status: response.status, violations, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>), headers: response.headers }
  }

  /** A 200 that Prism validated against the vendor's schema without a single violation. */
  const valid = async (path: string, headers?: Record<string, string>, init?: RequestInit) => {
    const outcome = await send(path, headers, init)
    expect({ path, status: outcome.status, violations: outcome.violations }).toEqual({ path, status: 200, violations: [] })
    return outcome.body
  }

  /** A documented-shape error from the mock that Prism passed through with only the "undocumented status" warning. */
  const vendorError = async (path: string, status: number, headers?: Record<string, string>) => {
    const outcome = await send(path, headers)
    expect({ path, status: outcome.status, violations: outcome.violations }).toEqual({ path, status, violations: [undocumentedStatus] })
    expect(outcome.body).toMatchObject({ status_code: status, request_id: expect.any(String) })
    return outcome
  }

  /** A request Prism itself refuses because the vendor's document says otherwise. */
  const refusedByPrism = async (path: string, parameter: string, message: string) => {
    const outcome = await send(path)
    expect(outcome.status).toBe(422)
    expect(outcome.body["validation"]).toEqual([{ location: ["query", parameter], severity: "Error", code: expect.any(String), message }])
    expect(mock.journal.count({ url: path })).toBe(0)
  }

  it("lists with every filter and page the vendor's document allows, all valid", async () => {
    const paths = [
      list,
      `${list}?page=2&limit=5`,
      `${list}?page=999`,
      `${list}?limit=1000`,
      ...["All", "COMPLETED", "RUNNING", "ERRORED", "STOPPED", "STOPPING", "TIMED_OUT"].map((s) => `${list}?status=${s}`),
      ...["Event", "SCHEDULE", "API_CALL"].map((s) => `${list}?execution_source=${s}`),
      ...["All", "SYNC", "ASYNC"].map((t) => `${list}?execution_type=${t}`),
      `${list}?start_date=2026-05-01T00:00:00Z&end_date=2026-06-30T23:59:59.999Z`,
      `${list}?start_date=2026-05-01T00:00:00.000Z`,
      `${list}?status=COMPLETED&execution_source=API_CALL&execution_type=SYNC&start_date=2026-04-01T00:00:00Z&end_date=2026-10-31T23:59:59Z&page=1&limit=3`
    ]
    for (const path of paths) await valid(path)
    const pastTheEnd = await valid(`${list}?page=999`)
    expect(pastTheEnd).toMatchObject({ docs: [], nextPage: null, prevPage: 998 })
  })

  it("gets executions, with an API key or a session token, all valid", async () => {
    expect(await valid(`${list}/${seedId}`)).toMatchObject({ _id: seedId })
    expect(await valid(`${list}/${detailId}`, { authorization: `Bearer ${token}` })).toMatchObject({ linked_account_id: account })
    await valid(list, { authorization: `Bearer ${token}` })
  })

  it("passes the mock's documented errors through with only Prism's warning that the document lists no error responses", async () => {
    await vendorError(`${list}/000000000000000000000000`, 404)
    await vendorError(list, 401, { authorization: "Bearer not-a-token" })
    await vendorError(list, 400, { "x-api-key": "tk-prism" })
    await vendorError(`${list}?status=NOPE`, 400)
    await vendorError(`${list}?page=0`, 400)
    await vendorError(`${list}?start_date=2026-06-02T00:00:00Z&end_date=2026-06-01T00:00:00Z`, 400)
  })

  it("answers requests without credentials itself, from the document's security schemes", async () => {
    for (const headers of [{}, { "x-api-key": "", linked_account_id: account }, { authorization: "Basic dXNlcjpwYXNz" }]) {
      const outcome = await send(list, headers)
      expect(outcome.status).toBe(401)
      expect(outcome.body).toMatchObject({ title: "Invalid security scheme used", status: 401 })
    }
    expect(mock.journal.count({ urlPath: list, headers: { "x-api-key": { matches: ".*" } }, method: "GET", queryParameters: {} })).toBeGreaterThan(0)
    expect(mock.journal.count({ urlPath: list, headers: { "x-api-key": { absent: true }, authorization: { absent: true } } })).toBe(0)
  })

  it("refuses the docs pages' spellings that the document does not allow (the mock accepts both)", async () => {
    const sources = "Request query parameter execution_source must be equal to one of the allowed values: API_CALL, SCHEDULE, Event"
    await refusedByPrism(`${list}?execution_source=Schedule`, "execution_source", sources)
    await refusedByPrism(`${list}?execution_source=API%20Call`, "execution_source", sources)
    await refusedByPrism(`${list}?execution_source=All`, "execution_source", sources)
    await refusedByPrism(`${list}?start_date=2026-05-01`, "start_date", 'Request query parameter start_date must match format "date-time"')
    await refusedByPrism(`${list}?end_date=2026-05-01`, "end_date", 'Request query parameter end_date must match format "date-time"')
    await refusedByPrism(`${list}?limit=ten`, "limit", "Request query parameter limit must be integer")
  })

  it("keeps every scenario's body valid, by Prefer header and by __ parameter", async () => {
    for (const [path, headers] of [
      [list, { ...apiKey, prefer: "example=seed" }],
      [list, { ...apiKey, prefer: "example=empty" }],
      [`${list}?__example=unknown-status`, apiKey],
      [`${list}/${seedId}`, { ...apiKey, prefer: "example=seed" }],
      [`${list}/${seedId}?__example=unknown-status`, apiKey],
      [`${list}?__delay=20`, apiKey],
      [list, { ...apiKey, prefer: "code=200, delay=5" }]
    ] as const) {
      await valid(path, headers)
    }
    for (const code of [400, 401, 403, 404, 429, 500, 502, 503, 504]) {
      const byHeader = await vendorError(list, code, { ...apiKey, prefer: `code=${code}` })
      const byQuery = await vendorError(`${list}/${seedId}?__code=${code}`, code)
      for (const outcome of [byHeader, byQuery]) expect(outcome.headers.get("retry-after")).toBe(code === 429 ? "1" : null)
    }
    await vendorError(`${list}?__fault=explode`, 400)
  })

  it("lets Prism take over a forced 501: its proxy mocks what the upstream does not implement", async () => {
    // Prism's proxy answers an upstream 501 from its own mock, which then reads the same
    // code=501 preference and finds no 501 in the vendor's document.
    for (const [path, headers] of [[list, { ...apiKey, prefer: "code=501" }], [`${list}/${seedId}?__code=501`, apiKey]] as const) {
      const outcome = await send(path, headers)
      expect(outcome.status).toBe(404)
      expect(outcome.body).toMatchObject({ type: "https://stoplight.io/prism/errors#NOT_FOUND", detail: "Requested status code 501 is not defined in the document." })
    }
    expect(mock.journal.count({ queryParameters: { __code: { equalTo: "501" } } })).toBe(1)
  })

  it("lets a client see each fault as a failure: Prism cannot read malformed, empty or reset responses", async () => {
    for (const fault of ["malformed", "empty", "reset"]) {
      const outcome = await send(`${list}?__fault=${fault}`)
      expect(outcome.status).toBe(500)
      expect(outcome.body).toMatchObject({ type: "FetchError" })
    }
    // A truncated body or a hang leaves Prism without an answer to give: the client times out.
    for (const fault of ["truncate", "hang"]) {
      const error = await fetch(`${prism.url}${list}?__fault=${fault}`, { headers: apiKey, signal: AbortSignal.timeout(1500) }).then(
        () => undefined,
        (e: unknown) => e
      )
      expect((error as Error).name).toBe("TimeoutError")
    }
  })

  it("stops, reruns, executes and pages batches, all valid against the vendor's document", async () => {
    const post = { method: "POST" }
    const running = mock.store.executions(account).find((r) => r.status === "RUNNING")!
    expect(await valid(`${list}/${running._id}/stop`, apiKey, post)).toEqual({ message: "Stopping instance" })
    expect(await valid(`${list}/${running._id}`)).toMatchObject({ status: "STOPPING" })
    mock.clock.advance(Lifecycle.STOP_MS)
    const stopped = await valid(`${list}/${running._id}`)
    expect(stopped).toMatchObject({ status: "STOPPED" })
    const failed = mock.store.executions(account).find((r) => r.status === "ERRORED")!
    const rerun = await valid(`${list}/${failed._id}/rerun`, { authorization: `Bearer ${token}` }, post)
    expect(rerun).toMatchObject({ status: "success", id: expect.any(String) })
    await valid(`${list}/${String(rerun["id"])}`)
    await valid(`${list}?workflow_id=${failed.associated_workflow!._id}&slug=${failed.associated_application!.slug}&sortAsc=true`)
    await valid(`${list}?execution_id=${failed._id}&workflow_name=${encodeURIComponent(failed.associated_workflow!.name)}`)
    const batch = mock.store.executions(account).find((r) => r.nodes.some((n) => n.is_batch && n.node_status === "Success"))!
    const node = batch.nodes.find((n) => n.is_batch && n.node_status === "Success")!
    expect(await valid(`${list}/${batch._id}/nodes/${node.node_id}/batches?page=1&limit=2`)).toMatchObject({ totalDocs: 4 })
    const slug = failed.associated_application!.slug!
    const workflow = `/api/v2/public/workflow/${failed.associated_workflow!._id}/execute`
    const body = JSON.stringify({ payload: { email: "jane@example.com" } })
    expect(await valid(workflow, { ...apiKey, slug, "content-type": "application/json" }, { method: "POST", body })).toMatchObject({ execution_id: expect.any(String) })
    // A synchronous run answers once it ends on the clock: forced to complete, then the clock moved.
    const before = new Set(mock.store.executions().map((r) => r._id))
    const answered = valid(workflow, { ...apiKey, slug, sync_execution: "true", "content-type": "application/json" }, { method: "POST", body })
    let run: string | undefined
    while (run === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 5))
      run = mock.store.executions().find((r) => !before.has(r._id) && r.type_of_execution === "SYNC")?._id
    }
    mock.lifecycle.force(run, { status: "COMPLETED" })
    mock.clock.advance(3_600_000)
    expect(await answered).toMatchObject({ errored: false, execution_id: run })
    // Each example of the new routes holds against the document too.
    await valid(`${list}/${running._id}/stop`, { ...apiKey, prefer: "example=seed" }, post)
    await valid(`${list}/${failed._id}/rerun?__example=seed`, apiKey, post)
    await valid(`${list}/${batch._id}/nodes/${node.node_id}/batches`, { ...apiKey, prefer: "example=seed" })
    await valid(workflow, { ...apiKey, slug, prefer: "example=sync", "content-type": "application/json" }, { method: "POST", body })
  })

  it("passes the new routes' errors through: the documented 404 and 501, and the bad input the mock refuses", async () => {
    const post = { method: "POST" }
    const expectError = async (path: string, status: number, headers: Record<string, string>, init: RequestInit, documented: boolean) => {
      const outcome = await send(path, headers, { ...init, signal: AbortSignal.timeout(5000) }).catch((e: unknown) => {
        throw new Error(`${init.method ?? "GET"} ${path} ${JSON.stringify(headers)}: ${String(e)}`)
      })
      expect({ path, status: outcome.status }).toEqual({ path, status })
      // 404 on rerun and 501 on batches are in the vendor's document; the others are not.
      expect(outcome.violations).toEqual(
        documented ? [] : [{ ...undocumentedStatus, message: expect.stringMatching(/^Unable to match the returned status code with those defined in the document: 200/) }]
      )
      return outcome
    }
    await expectError(`${list}/000000000000000000000000/stop`, 404, apiKey, post, false)
    await expectError(`${list}/000000000000000000000000/rerun`, 404, apiKey, post, true)
    await expectError(`${list}/not-an-id/stop`, 400, apiKey, post, false)
    const batch = mock.store.executions(account).find((r) => r.nodes.some((n) => n.is_batch) && r.nodes.some((n) => !n.is_batch))!
    const plain = batch.nodes.find((n) => !n.is_batch)!
    // The mock answers 501, which Prism's proxy reads as "not implemented upstream" and answers from
    // its own mock of the document (a 200): the journal shows what the mock sent.
    const batchesPath = `${list}/${batch._id}/nodes/${plain.node_id}/batches`
    const taken = await send(batchesPath)
    expect(taken.status).toBe(200)
    const sent = mock.journal.requests().find((e) => e.request.path === batchesPath)
    expect(sent?.response?.status).toBe(501)
    const completed = mock.store.executions(account).find((r) => r.status === "COMPLETED")!
    await expectError(`${list}/${completed._id}/rerun`, 409, apiKey, post, false)
    const workflow = `/api/v2/public/workflow/${completed.associated_workflow!._id}/execute`
    const slug = completed.associated_application!.slug!
    await expectError("/api/v2/public/workflow/nope/execute", 400, { ...apiKey, slug }, post, false)
    // Prism refuses itself what the document rules out (no slug header, a body that is not an
    // object), and never answers a body that is not JSON: actions.test.ts covers those on the mock.
    for (const [headers, body] of [[apiKey, "{}"], [{ ...apiKey, slug }, "[1, 2]"]] as const) {
      const outcome = await send(workflow, { ...headers, "content-type": "application/json" }, { method: "POST", body })
      expect(outcome.status).toBe(422)
    }
    await expectError(workflow, 404, { ...apiKey, slug: "no-such-app" }, post, false)
  })

  it("reports a response that breaks the vendor's schema (the negative control)", async () => {
    const outcome = await send(`${list}/${seedId}`, { ...apiKey, "x-corrupt": "1" })
    expect(outcome.status).toBe(500)
    const messages = (outcome.body["validation"] as Array<{ location: Array<string>; message: string }>).map((v) => `${v.location.join(".")}: ${v.message}`)
    expect(messages).toContain("response.body.environment: Response body property environment must be equal to one of the allowed values: test, production")
  })
})
