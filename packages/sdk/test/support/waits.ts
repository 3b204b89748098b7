/** Waiting helpers shared by the tests of retries, watching and the Promise client. */
import { Chunk, Effect, TestClock } from "effect"

/** Waits (in real time, for the socket) until the SDK sleeps until `at` on the test clock. */
export const sleepingUntil = (at: number) =>
  Effect.gen(function*() {
    for (let i = 0; i < 500; i++) {
      if (Chunk.some(yield* TestClock.sleeps(), (t) => t === at)) return
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 10)))
    }
    throw new Error(`no sleep until ${at}`)
  })

/** What `promise` rejects with; throws when it resolves. */
export const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error("expected a rejection")
}
