/**
 * Sharing out the event loop's turns while connections arrive: at most `perTurn` requests a turn,
 * the rest in arrival order on the next turns, and no metering once connections stop arriving;
 * over TCP, every request of a burst of connections answered, in order, with some of them queued,
 * and those whose clients left meanwhile still answered and journaled.
 */
import { getRequestListener } from "@hono/node-server"
import { EventEmitter } from "node:events"
import { Agent, createServer, get, type IncomingMessage, type RequestListener } from "node:http"
import { type AddressInfo, connect, type Socket } from "node:net"
import { describe, expect, it } from "vitest"
import { fairTurns } from "../src/internal/FairTurns.js"
import { createMockApp, handler } from "../src/index.js"
import { small } from "./support/data.js"

/** Stand-ins for a request and its response, told apart by their number. */
const pair = (n: number) => [{ n } as unknown as IncomingMessage, {} as Parameters<RequestListener>[1]] as const
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

const recorder = () => {
  const seen: Array<number> = []
  return { seen, next: (request: IncomingMessage) => void seen.push((request as unknown as { n: number }).n) }
}

describe("fairTurns", () => {
  it("answers perTurn requests a turn while connections arrive, the rest in order on later turns", async () => {
    const server = new EventEmitter()
    const { seen, next } = recorder()
    const listener = fairTurns(server, next, { perTurn: 4, settleMs: 60_000 })
    server.emit("connection")
    for (let n = 0; n < 10; n++) listener(...pair(n))
    expect(seen).toEqual([0, 1, 2, 3])
    await nextTurn()
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    // A request arriving while others wait queues behind them, even with turns to spare.
    listener(...pair(10))
    await nextTurn()
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    // Once the queue is empty, a new turn answers at once again.
    await nextTurn()
    listener(...pair(11))
    expect(seen.at(-1)).toBe(11)
  })

  it("does not meter requests when no connection arrived within settleMs", async () => {
    const server = new EventEmitter()
    const { seen, next } = recorder()
    const listener = fairTurns(server, next, { perTurn: 2, settleMs: 0 })
    for (let n = 0; n < 10; n++) listener(...pair(n))
    expect(seen).toHaveLength(10)
    server.emit("connection")
    await new Promise((resolve) => setTimeout(resolve, 5))
    for (let n = 10; n < 20; n++) listener(...pair(n))
    expect(seen).toHaveLength(20)
  })

  /**
   * A server on a free port answering through `fairTurns` (1 request a turn), counting the
   * connections it accepted and the requests it queued.
   */
  const listening = async (answer: RequestListener) => {
    const server = createServer()
    let current: IncomingMessage | undefined
    const counts = { queued: 0, connections: 0 }
    server.on("connection", () => counts.connections++)
    // Registered first: tells a request answered within its own `request` event from a queued one.
    server.on("request", (request) => {
      current = request
    })
    server.on(
      "request",
      fairTurns(server, (request, response) => {
        if (request !== current) counts.queued++
        answer(request, response)
      }, { perTurn: 1, settleMs: 60_000 })
    )
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    return { server, port: (server.address() as AddressInfo).port, counts }
  }

  it("over TCP, answers every request of a burst of connections, in order on each, queueing some", async () => {
    const { server, port, counts } = await listening((request, response) => response.end(request.url))
    const agent = new Agent({ keepAlive: true, maxSockets: 100 })
    const fetchText = (path: string) =>
      new Promise<string>((resolve, reject) =>
        get({ port, host: "127.0.0.1", path, agent }, (response) => {
          let body = ""
          response.setEncoding("utf8").on("data", (chunk: string) => (body += chunk)).on("end", () => resolve(body))
        }).on("error", reject)
      )
    const connections = Array.from({ length: 100 }, async (_, c) => {
      const bodies: Array<string> = []
      for (let r = 0; r < 5; r++) bodies.push(await fetchText(`/${c}/${r}`))
      return bodies
    })
    const answered = await Promise.all(connections)
    expect(answered).toEqual(Array.from({ length: 100 }, (_, c) => Array.from({ length: 5 }, (_, r) => `/${c}/${r}`)))
    expect(counts.queued).toBeGreaterThan(0)
    agent.destroy()
    await new Promise((resolve) => server.close(resolve))
  })

  it("answers and journals queued requests whose clients left before their turn, and goes on serving", async () => {
    const mock = createMockApp({ data: small(10) })
    const { server, port, counts } = await listening(getRequestListener(handler(mock)))
    const sockets = await Promise.all(
      Array.from({ length: 20 }, () => new Promise<Socket>((resolve) => {
        const socket = connect(port, "127.0.0.1", () => resolve(socket))
      }))
    )
    // Accepted one per turn: wait for all of them, so that the 20 requests are read in one turn.
    while (counts.connections < 20) await nextTurn()
    for (const socket of sockets) socket.write("GET /api/v2/public/execution HTTP/1.1\r\nhost: x\r\nauthorization: Bearer tok-acme\r\n\r\n")
    for (const socket of sockets) socket.destroy()
    // Wait for the answers rather than a fixed time: on a loaded machine the server reads the
    // requests over several turns (20 s at most, well inside the test's own timeout).
    for (let waited = 0; mock.journal.requests().filter((e) => e.response !== undefined).length < 20 && waited < 20_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(counts.queued).toBeGreaterThan(0)
    expect(mock.journal.requests().map((entry) => entry.response?.status)).toEqual(Array(20).fill(200))
    const after = await fetch(`http://127.0.0.1:${port}/api/v2/public/execution`, { headers: { authorization: "Bearer tok-acme" } })
    expect(after.status).toBe(200)
    await new Promise((resolve) => server.close(resolve))
  })
})
