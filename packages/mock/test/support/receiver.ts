/**
 * A webhook receiver of our own on 127.0.0.1: a real `node:http` server that records every request
 * (raw body bytes included) and answers what the test scripts, one answer per request in turn
 * (a status, or `"hang"` for no answer at all), the last answer repeating.
 */
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo, Socket } from "node:net"

/** One request the receiver got. */
export interface Received {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
  /** `performance.now()` when it arrived. */
  readonly at: number
}

export type Answer = number | "hang"

export interface Receiver {
  readonly url: string
  readonly received: Array<Received>
  /** Resolves once `n` requests have arrived in all; rejects after `ms` real milliseconds. */
  readonly waitFor: (n: number, ms?: number) => Promise<ReadonlyArray<Received>>
  readonly close: () => Promise<void>
}

/** Starts a receiver answering `answers` in turn. */
export const receiver = async (answers: ReadonlyArray<Answer>, path = "/hooks/refold"): Promise<Receiver> => {
  const received: Array<Received> = []
  const sockets = new Set<Socket>()
  let waiters: Array<() => void> = []
  const server = createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      const answer = answers[Math.min(received.length, answers.length - 1)]!
      received.push({ method: request.method ?? "", path: request.url ?? "", headers: request.headers, body: Buffer.concat(chunks), at: performance.now() })
      const woken = waiters
      waiters = []
      for (const wake of woken) wake()
      if (answer === "hang") return
      response.writeHead(answer, { "content-type": "text/plain" }).end(answer === 200 ? "ok" : "nope")
    })
  })
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  const waitFor = (n: number, ms = 10_000) =>
    new Promise<ReadonlyArray<Received>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`receiver: ${received.length} of ${n} requests after ${ms} ms`)), ms)
      const check = () => {
        if (received.length >= n) {
          clearTimeout(timer)
          resolve(received.slice())
        } else waiters.push(check)
      }
      check()
    })
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    waitFor,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
