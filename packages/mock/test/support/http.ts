/**
 * Ways to reach a mock app in tests (in-process through `fetch`, and over real TCP with the global
 * `fetch`), and the check every response goes through: each body is decoded with the contract's
 * schemas, so that no test can accept a response that breaks the wire format.
 */
import { Batch, Control, ErrorBody, Execute, Execution, Page, RefoldApi, Webhook } from "@refold-effect/contract"
import { Schema } from "effect"
import { afterAll, beforeAll, expect } from "vitest"
import { serve, type MockApp, type MockServer } from "../../src/index.js"

/** One way to send requests to a mock app. */
export interface Transport {
  readonly name: Kind
  /** Sends a request for `path` (path and query) and checks the response against the contract. */
  readonly call: (path: string, init?: RequestInit) => Promise<Reply>
  readonly mock: MockApp
}

/** A checked response. */
export interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly body: unknown
}

export type Kind = "in-process" | "tcp"

/** Both ways to reach a mock, for `describe.each`. */
export const kinds: ReadonlyArray<Kind> = ["in-process", "tcp"]

const strict = { onExcessProperty: "error" } as const
const decodeError = Schema.decodeUnknownSync(ErrorBody.ErrorBody, strict)

/** The success schema of every operation. */
const successes: { readonly [E in RefoldApi.EndpointName]: Schema.Schema.AnyNoContext } = {
  listExecutions: Page.ExecutionPage,
  getExecution: Execution.Detail,
  stopExecution: Control.StopResult,
  rerunExecution: Control.RerunResult,
  listExecutionNodeBatches: Batch.BatchPage,
  executeWorkflow: Execute.Result,
  listWebhooks: Webhook.Webhooks,
  registerWebhook: Webhook.Webhook,
  getWebhookById: Webhook.Webhook,
  updateWebhook: Webhook.Webhook,
  deleteWebhook: Webhook.Webhooks
}

const matches = (template: string, path: string) => {
  const want = template.split("/")
  const got = (path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path).split("/")
  return want.length === got.length && want.every((s, i) => (s.startsWith(":") ? got[i] !== "" : s === got[i]))
}

/** The operation `method path` is, by the contract's routes. */
const operation = (method: string, path: string) =>
  RefoldApi.endpoints.find((e) => (e.method === method || (method === "HEAD" && e.method === "GET")) && matches(e.path, path))

/**
 * Checks a response against the contract: a JSON body (unless HEAD), an `x-request-id`, a 200 page
 * or detail that decodes (with no field the schema does not know), or an error in the canonical
 * vendor shape whose `request_id` is the header's.
 */
export const check = async (response: Response, url: string, method = "GET"): Promise<Reply> => {
  const text = await response.text()
  const requestId = response.headers.get("x-request-id")
  expect(requestId, "x-request-id header").toMatch(/^[0-9a-f-]{36}$/)
  if (method === "HEAD") {
    expect(text).toBe("")
    return { status: response.status, headers: response.headers, text, body: undefined }
  }
  expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8")
  const body: unknown = JSON.parse(text)
  if (response.status === 200) {
    const endpoint = operation(method.toUpperCase(), new URL(url).pathname)
    expect(endpoint, `an operation of the contract answers ${method} ${url}`).toBeDefined()
    Schema.decodeUnknownSync(successes[endpoint!.name], strict)(body)
  } else {
    const error = decodeError(body)
    // The execute page's 400 for a missing slug has a shape of its own (ErrorBody.missingSlug).
    const missingSlug = error.error === ErrorBody.missingSlug.error
    expect(Object.keys(error)).toEqual(
      missingSlug ? ["status_code", "http_error_type", "error", "message", "request_id"] : ["status_code", "http_error_type", "error_code", "message", "request_id"]
    )
    expect(error.status_code).toBe(response.status)
    expect(error.http_error_type).toBe(ErrorBody.httpErrorType(response.status))
    expect(error.request_id).toBe(requestId)
    expect(error.message).not.toBe("")
  }
  return { status: response.status, headers: response.headers, text, body }
}

/** Reaches `mock` in-process. */
export const inProcess = (mock: MockApp): Transport => ({
  name: "in-process",
  mock,
  call: (path, init) => {
    // The URL as the WHATWG parser normalises it, which is what the app sees.
    const request = new Request(`http://mock.test${path}`, init)
    return mock.fetch(request).then((r) => check(r, request.url, init?.method))
  }
})

/** Reaches a served mock over TCP with the global `fetch` (undici). */
export const overTcp = (mock: MockApp, server: MockServer): Transport => ({
  name: "tcp",
  mock,
  call: (path, init) => fetch(`${server.url}${path}`, init).then((r) => check(r, r.url, init?.method))
})

/**
 * A transport of `kind` to a mock made once for the enclosing `describe` (served on a random port
 * for `tcp`, and closed after it).
 */
export const useTransport = (kind: Kind, make: () => MockApp): Transport => {
  let current: Transport | undefined
  let server: MockServer | undefined
  beforeAll(async () => {
    const mock = make()
    if (kind === "tcp") {
      server = await serve(mock, { port: 0 })
      current = overTcp(mock, server)
    } else current = inProcess(mock)
  })
  afterAll(() => server?.close())
  const get = () => {
    if (current === undefined) throw new Error("transport used outside a test")
    return current
  }
  return {
    name: kind,
    get mock() {
      return get().mock
    },
    call: (path, init) => get().call(path, init)
  }
}

/** Headers authenticating with an API key as `account`. */
export const asAccount = (account: string, key = "tk-test-key"): Record<string, string> => ({
  "x-api-key": key,
  linked_account_id: account
})
