/**
 * Child: the baseline, a bare Hono app on `@hono/node-server` that answers both routes with a
 * constant JSON body (the mock's own response bodies, so that the bytes on the wire match).
 */
import { serve } from "@hono/node-server"
import { Hono } from "hono"
import type { AddressInfo } from "node:net"
import * as Child from "../Child.js"

/** The child's argument: the constant bodies of the two routes. */
export interface Args {
  readonly list: string
  readonly get: string
}

const { list, get } = Child.args<Args>()
const headers = { "content-type": "application/json; charset=utf-8" }
const app = new Hono()
app.get("/api/v2/public/execution", (c) => c.body(list, 200, headers))
app.get("/api/v2/public/execution/:execution_id", (c) => c.body(get, 200, headers))

const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
  Child.serve({ url: `http://127.0.0.1:${info.port}` }, {}, () => new Promise<void>((done) => server.close(() => done())))
)
