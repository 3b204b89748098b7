/**
 * A sorted list of ranks (ascending int32) that changes in place: the store's index lists.
 *
 * The ranks live in one `Int32Array` with free room at both ends. Adding a rank smaller than all
 * (an execution newer than every other, the usual insert) takes the room in front: O(1), amortised
 * over growths that double the room. Adding or removing a rank elsewhere moves the shorter side of
 * it by one, with `copyWithin` (a native memmove): the executions that change most (running, just
 * stopped, just rerun) are the newest, near the front, so the shorter side is short.
 */

const EMPTY = new Int32Array(0)

/** A sorted list of ranks. Reads go through `buf[start + i]` for `0 <= i < length`. */
export class RankList {
  /** @internal */
  buf: Int32Array
  /** Index in {@link buf} of the first rank. */
  start: number
  /** Index in {@link buf} after the last rank. */
  end: number

  constructor(buf: Int32Array = EMPTY, length: number = buf.length) {
    this.buf = buf
    this.start = 0
    this.end = length
  }

  get length(): number {
    return this.end - this.start
  }

  /** The `i`-th smallest rank. */
  at(i: number): number {
    return this.buf[this.start + i]!
  }

  /** How many ranks are below `value`: the position `value` has or would have. */
  lowerBound(value: number): number {
    const buf = this.buf
    let lo = this.start
    let hi = this.end
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (buf[mid]! < value) lo = mid + 1
      else hi = mid
    }
    return lo - this.start
  }

  /** Re-allocates with `front` free slots before the ranks and `back` after them. */
  private grow(front: number, back: number) {
    const length = this.length
    const buf = new Int32Array(front + length + back)
    buf.set(this.buf.subarray(this.start, this.end), front)
    this.buf = buf
    this.start = front
    this.end = front + length
  }

  /** Adds `rank`, which must not be in the list yet. */
  add(rank: number): void {
    const length = this.length
    const at = length === 0 || rank < this.buf[this.start]! ? 0 : this.lowerBound(rank)
    const room = Math.max(16, length >> 1)
    if (at < length - at) {
      if (this.start === 0) this.grow(room, this.buf.length - this.end)
      const buf = this.buf
      buf.copyWithin(this.start - 1, this.start, this.start + at)
      this.start--
      buf[this.start + at] = rank
    } else {
      if (this.end === this.buf.length) this.grow(this.start, room)
      const buf = this.buf
      buf.copyWithin(this.start + at + 1, this.start + at, this.end)
      this.end++
      buf[this.start + at] = rank
    }
  }

  /** Removes `rank`; `false` when it was not in the list. */
  remove(rank: number): boolean {
    const at = this.lowerBound(rank)
    const length = this.length
    if (at === length || this.buf[this.start + at] !== rank) return false
    if (at < length - at) {
      this.buf.copyWithin(this.start + 1, this.start, this.start + at)
      this.start++
    } else {
      this.buf.copyWithin(this.start + at, this.start + at + 1, this.end)
      this.end--
    }
    return true
  }
}
