/**
 * Reading a request's headers from Node's parsed ones gives exactly what `Headers.get` gives for the
 * same lines: repeated names (joined, or dropped by Node and read from the raw lines), any case,
 * absent names.
 */
import * as fc from "fast-check"
import { createServer } from "node:http"
import { type AddressInfo, connect } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Node from "../src/internal/Node.js"

const names = ["authorization", "x-api-key", "linked_account_id", "prefer", "cookie", "set-cookie", "content-type", "user-agent", "accept", "x-other"]
/** A header line's name in any case. */
const name = fc.tuple(fc.constantFrom(...names), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 })).map(([n, upper]) =>
  [...n].map((ch, i) => (upper[i] === true ? ch.toUpperCase() : ch)).join("")
)
/** A value Node's parser accepts: visible characters (obs-text too), spaces and tabs. */
const value = fc.string({ unit: fc.integer({ min: 0x1f, max: 0xff }).map((c) => String.fromCharCode(c === 0x1f ? 0x09 : c === 0x7f ? 0x20 : c)), maxLength: 12 })

/** A server that answers each request with what `Node.headers` and a `Headers` of its raw lines read. */
const useServer = () => {
  const server = createServer((incoming, outgoing) => {
    const read = Node.headers(new Request("http://x/"), { incoming, outgoing })
    const expected = new Headers()
    for (let i = 0; i < incoming.rawHeaders.length; i += 2) expected.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!)
    outgoing.end(JSON.stringify(names.map((n) => [n, read.get(n), expected.get(n)])))
  })
  beforeAll(() => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve)))
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
  /** Sends these header lines, as bytes, and resolves with the server's readings. */
  return (lines: ReadonlyArray<readonly [string, string]>) =>
    new Promise<Array<[string, string | null, string | null]>>((resolve, reject) => {
      const socket = connect((server.address() as AddressInfo).port, "127.0.0.1", () =>
        socket.write(`GET / HTTP/1.1\r\nHost: x\r\n${lines.map(([n, v]) => `${n}: ${v}\r\n`).join("")}Connection: close\r\n\r\n`, "latin1")
      )
      let received = ""
      socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")))
      socket.on("end", () => resolve(JSON.parse(received.slice(received.indexOf("\r\n\r\n") + 4)) as Array<[string, string | null, string | null]>))
      socket.on("error", reject)
    })
}

describe("Node.headers", () => {
  const send = useServer()

  it("reads what Headers.get reads, for any lines Node accepts", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(name, value), { maxLength: 12 }), async (lines) => {
        for (const [n, read, expected] of await send(lines)) expect([n, read]).toEqual([n, expected])
      }),
      { numRuns: 500 }
    )
  })

  it("reads the request's Headers in-process", () => {
    const request = new Request("http://x/", { headers: { prefer: "code=500" } })
    expect(Node.headers(request, undefined)).toBe(request.headers)
  })
})
