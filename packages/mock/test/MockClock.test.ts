/**
 * `MockClock`: the time of each mode, alarms in time order behind one timer of the source, timers
 * that never keep the process alive, and `close`.
 */
import { describe, expect, it } from "vitest"
import * as MockClock from "../src/MockClock.js"

/** A source whose time and timers the test moves by hand. */
const fakeSource = (start = 1_000_000) => {
  let time = start
  const timers: Array<{ at: number; wake: () => void; cancelled: boolean }> = []
  const source: MockClock.Source = {
    now: () => time,
    wait: (ms, wake) => {
      const timer = { at: time + ms, wake, cancelled: false }
      timers.push(timer)
      return () => {
        timer.cancelled = true
      }
    }
  }
  const live = () => timers.filter((t) => !t.cancelled)
  /** Moves the source's time and runs the timers due, as the event loop would. */
  const pass = (ms: number) => {
    time += ms
    for (const t of live()) {
      if (t.at <= time) {
        t.cancelled = true
        t.wake()
      }
    }
  }
  return { source, live, pass }
}

describe("MockClock", () => {
  it("runs at the source's pace times the speed, from the source's time at creation", () => {
    const fake = fakeSource()
    const real = MockClock.make({ source: fake.source })
    const fast = MockClock.make({ source: fake.source, speed: 60 })
    const manual = MockClock.make({ source: fake.source, speed: 0 })
    fake.pass(1000)
    expect(real.now()).toBe(1_001_000)
    expect(fast.now()).toBe(1_060_000)
    expect(manual.now()).toBe(1_000_000)
    expect(manual.snapshot()).toMatchObject({ mode: "manual", speed: 0, nowMs: 1_000_000, now: new Date(1_000_000).toISOString() })
    expect(fast.snapshot().mode).toBe("real")
  })

  it("advances in every mode, firing the alarms on the way in time order, each with its own time", () => {
    const fake = fakeSource()
    const clock = MockClock.make({ source: fake.source, speed: 0 })
    const fired: Array<[string, number]> = []
    clock.at(1_000_300, (t) => fired.push(["c", t]))
    clock.at(1_000_100, (t) => {
      fired.push(["a", t])
      // An alarm set by an alarm, still within the advance, fires in the same advance.
      clock.at(t + 150, (u) => fired.push(["b", u]))
    })
    clock.at(1_000_900, (t) => fired.push(["late", t]))
    clock.advance(500)
    expect(fired).toEqual([["a", 1_000_100], ["b", 1_000_250], ["c", 1_000_300]])
    expect(clock.now()).toBe(1_000_500)
    expect(clock.snapshot()).toMatchObject({ advancedMs: 500, pending: 1 })
    // A real-time clock advances too, on top of its source.
    const real = MockClock.make({ source: fake.source })
    real.advance(60_000)
    expect(real.now()).toBe(1_060_000)
  })

  it("reads each alarm's own time while an advance fires it, as TestClock.adjust does, and the advance's end after", () => {
    const fake = fakeSource()
    for (const speed of [0, 1, 60]) {
      const clock = MockClock.make({ source: fake.source, speed })
      const start = clock.now()
      const seen: Array<[number, number]> = []
      // What an alarm stamps or schedules from `now()` (a delivery's `sentAt`, a retry's backoff) is at its own time.
      clock.at(start + 100, (t) => {
        seen.push([t, clock.now()])
        clock.at(clock.now() + 50, (u) => seen.push([u, clock.now()]))
      })
      clock.at(start + 400, (t) => seen.push([t, clock.now()]))
      clock.advance(1000)
      expect(seen).toEqual([[start + 100, start + 100], [start + 150, start + 150], [start + 400, start + 400]])
      expect(clock.now()).toBe(start + 1000)
      expect(clock.snapshot().advancedMs).toBe(1000)
      clock.close()
    }
  })

  it("rejects an advance that is not a finite number of milliseconds in range, naming it", () => {
    const clock = MockClock.make({ speed: 0 })
    for (const bad of [-1, Number.NaN, Infinity, MockClock.MAX_ADVANCE_MS + 1, "5" as unknown as number]) {
      expect(() => clock.advance(bad)).toThrow(/Invalid clock advance/)
    }
    expect(clock.now()).toBeLessThanOrEqual(Date.now())
  })

  it("rejects a bad speed", () => {
    expect(() => MockClock.make({ speed: -1 })).toThrow(/Invalid clock speed -1/)
    expect(MockClock.invalidSpeed(Number.NaN)).toMatch(/expected a number from 0/)
    expect(MockClock.invalidSpeed(60)).toBeUndefined()
  })

  it("keeps one timer of the source, for the earliest alarm, scaled by the speed", () => {
    const fake = fakeSource()
    const clock = MockClock.make({ source: fake.source, speed: 10 })
    const fired: Array<number> = []
    for (let i = 1000; i >= 1; i--) clock.at(1_000_000 + i * 100, (t) => fired.push(t))
    expect(fake.live()).toHaveLength(1)
    expect(fake.live()[0]!.at).toBe(1_000_000 + 10) // 100 clock ms at speed 10
    fake.pass(25) // 250 clock ms: two alarms due
    expect(fired).toEqual([1_000_100, 1_000_200])
    expect(fake.live()).toHaveLength(1)
    expect(fake.live()[0]!.at).toBe(1_000_000 + 30)
  })

  it("skips cancelled alarms and re-arms for the next live one", () => {
    const fake = fakeSource()
    const clock = MockClock.make({ source: fake.source })
    const fired: Array<number> = []
    const cancel = clock.at(1_000_100, (t) => fired.push(t))
    clock.at(1_000_200, (t) => fired.push(t))
    cancel()
    fake.pass(150)
    expect(fired).toEqual([])
    fake.pass(50)
    expect(fired).toEqual([1_000_200])
    expect(clock.snapshot().pending).toBe(0)
  })

  it("re-arms when its timer wakes before the alarm is due (system timers and Date.now can disagree by a millisecond)", () => {
    const fake = fakeSource()
    const clock = MockClock.make({ source: fake.source })
    const fired: Array<number> = []
    clock.at(1_000_100, (t) => fired.push(t))
    const [timer] = fake.live()
    // The event loop runs the timer when the source still reads 1 ms short of it.
    fake.pass(99)
    timer!.cancelled = true
    timer!.wake()
    expect(fired).toEqual([])
    expect(fake.live()).toHaveLength(1)
    fake.pass(1)
    expect(fired).toEqual([1_000_100])
  })

  it("fires what is due on poll, without waiting for the timer", () => {
    const fake = fakeSource()
    const clock = MockClock.make({ source: fake.source, speed: 0 })
    const fired: Array<number> = []
    clock.at(1_000_000, (t) => fired.push(t))
    expect(fake.live()).toHaveLength(0) // manual: no timer at all
    clock.poll()
    expect(fired).toEqual([1_000_000])
  })

  it("close cancels the timer and every alarm", () => {
    const fake = fakeSource()
    const clock = MockClock.make({ source: fake.source })
    const fired: Array<number> = []
    clock.at(1_000_100, (t) => fired.push(t))
    clock.close()
    expect(fake.live()).toHaveLength(0)
    fake.pass(1000)
    clock.poll()
    expect(fired).toEqual([])
  })

  it("on the system's time, wakes at most every WAKE_MS for alarms due every millisecond, each fired with its own time", async () => {
    // A thousand runs going end about once a millisecond: a wake-up of the event loop for each
    // would cost every request being served (a server's loop turns several times more often).
    const clock = MockClock.make()
    const start = clock.now() + 5
    const fired: Array<{ time: number; at: number }> = []
    const count = 60
    // A wake is one timer callback: the alarms it fires run in one synchronous stretch, which ends
    // at the next microtask (the time read at each alarm may pass a millisecond within it).
    let wakes = 0
    let waking = false
    const done = new Promise<void>((resolve) => {
      for (let i = 0; i < count; i++) {
        clock.at(start + i, (time) => {
          if (!waking) {
            waking = true
            wakes++
            queueMicrotask(() => (waking = false))
          }
          fired.push({ time, at: Date.now() })
          if (fired.length === count) resolve()
        })
      }
    })
    // No poll: only the clock's timer fires them.
    await done
    expect(fired.map((f) => f.time)).toEqual(Array.from({ length: count }, (_, i) => start + i))
    expect(wakes).toBeLessThanOrEqual(Math.ceil(count / MockClock.WAKE_MS) + 2)
    for (const f of fired) expect(f.at).toBeGreaterThanOrEqual(f.time)
    clock.close()
  })

  it("on the system's time, fires a due alarm from an unref'd timer", async () => {
    const clock = MockClock.make({ speed: 100 })
    const fired = await new Promise<number>((resolve) => clock.at(clock.now() + 2000, resolve))
    expect(clock.now()).toBeGreaterThanOrEqual(fired)
    clock.close()
  })
})
