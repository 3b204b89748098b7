/**
 * Accept fairness for a Node HTTP server under a burst of new connections.
 *
 * Node 20's event loop accepts one pending connection per turn (seen with strace; libuv#3696,
 * nodejs/node#57364), and a turn lasts as long as it takes to answer every request that arrived on
 * the connections already open. While a thousand clients connect at once, each turn is longer than
 * the last: the last connections waited 15 to 39 s to be accepted, past a load tester's timeout
 * (`BENCHMARKS.md`, figure 6), where the same server answered everything it had accepted.
 *
 * So while connections are arriving, a turn answers at most `perTurn` requests and the rest wait,
 * in arrival order, for the next turns: the loop comes back to accept every few milliseconds. Once
 * no connection has arrived for a while, requests go straight through again: a server under a
 * steady set of keep-alive connections pays one flag check per request.
 */
import type { EventEmitter } from "node:events"
import type { IncomingMessage, RequestListener } from "node:http"

/** The response a `request` listener is handed (a `ServerResponse` bound to its request). */
type NodeResponse = Parameters<RequestListener>[1]

/** How the turns are shared out. */
export interface Options {
  /** Requests answered per turn while connections arrive. */
  readonly perTurn: number
  /** How long after the last accepted connection requests are still metered, in ms. */
  readonly settleMs: number
}

/**
 * 64 requests (a few ms of work) per turn, which sent 1,000 connections' worth of accepts through
 * in about 2 s where they took up to 18 s; and more than a throughput run's 50 connections, which
 * therefore never wait.
 */
export const defaults: Options = { perTurn: 64, settleMs: 1000 }

/**
 * Wraps `next` so that the turns of `server` (an `http.Server`, or anything that emits its
 * `connection` events) are shared out while connections arrive (see above).
 */
export const fairTurns = (server: Pick<EventEmitter, "on">, next: RequestListener, options: Options = defaults): RequestListener => {
  const { perTurn, settleMs } = options
  // Metering is switched on by a connection and off by a timer once connections stop arriving,
  // so that a request reads a flag, not the clock.
  let metering = false
  let lastAccept = 0
  let settling: ReturnType<typeof setTimeout> | undefined
  const settle = () => {
    const quiet = performance.now() - lastAccept
    if (quiet >= settleMs) {
      metering = false
      settling = undefined
    } else settling = setTimeout(settle, settleMs - quiet).unref()
  }
  server.on("connection", () => {
    lastAccept = performance.now()
    metering = true
    settling ??= setTimeout(settle, settleMs).unref()
  })
  // Requests and responses, in pairs from `head`.
  const waiting: Array<IncomingMessage | NodeResponse> = []
  let head = 0
  let answered = 0
  let scheduled = false
  const schedule = () => {
    if (scheduled) return
    scheduled = true
    setImmediate(turn)
  }
  // Runs in the check phase, right after the poll phase that accepted a connection and read the
  // requests; scheduled from here, it runs after the next poll phase.
  const turn = () => {
    scheduled = false
    answered = 0
    while (answered < perTurn && head < waiting.length) {
      const request = waiting[head] as IncomingMessage
      const response = waiting[head + 1] as NodeResponse
      waiting[head] = waiting[head + 1] = undefined as never
      head += 2
      answered++
      next(request, response)
    }
    if (head < waiting.length) return schedule()
    waiting.length = 0
    head = 0
    answered = 0
  }
  return (request, response) => {
    if (head === waiting.length) {
      if (!metering) return next(request, response)
      if (answered < perTurn) {
        answered++
        schedule()
        return next(request, response)
      }
    }
    waiting.push(request, response)
    schedule()
  }
}
