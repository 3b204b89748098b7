/**
 * A fixed number of slots, each holding one string as UTF-8 in memory allocated once, outside the
 * JavaScript heap. What the journal keeps per request lives through many young-generation GCs:
 * kept as strings, it would be copied by each, then promoted and marked; kept here, the GC never
 * sees it. A string too long for its slot is kept as it is.
 */

/** Slots of strings. */
export interface TextSlots {
  /** Puts `text` in `slot`, in place of what it held. */
  readonly set: (slot: number, text: string) => void
  /** The string in `slot` (`""` for one never set or cleared). */
  readonly get: (slot: number) => string
  /** Empties every slot, and overwrites what they held. */
  readonly clear: () => void
}

/** Memory is allocated a chunk of slots at a time, as the slots are first used. */
const CHUNK_BYTES = 64 * 1024

/** `count` slots of `bytes` bytes each. */
export const make = (count: number, bytes: number): TextSlots => {
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / bytes))
  const chunks: Array<Buffer> = []
  // A length of -1: the string is in `long`.
  const lengths = new Int32Array(count)
  const long = new Array<string | undefined>(count)

  const chunkOf = (slot: number): Buffer => (chunks[Math.floor(slot / perChunk)] ??= Buffer.allocUnsafeSlow(perChunk * bytes))

  return {
    set: (slot, text) => {
      if (text === "") {
        lengths[slot] = 0
        if (long[slot] !== undefined) long[slot] = undefined
        return
      }
      // Write first, measure only when it may not have fitted: a character that does not fit
      // whole is left out, which leaves at most 3 bytes of the slot unused.
      const written = text.length > bytes ? bytes + 1 : chunkOf(slot).write(text, (slot % perChunk) * bytes, bytes, "utf8")
      if (written > bytes - 4 && (written > bytes || Buffer.byteLength(text) !== written)) {
        lengths[slot] = -1
        long[slot] = text
        return
      }
      if (long[slot] !== undefined) long[slot] = undefined
      lengths[slot] = written
    },
    get: (slot) => {
      const length = lengths[slot]!
      if (length === -1) return long[slot]!
      if (length === 0) return ""
      const start = (slot % perChunk) * bytes
      return chunkOf(slot).toString("utf8", start, start + length)
    },
    clear: () => {
      lengths.fill(0)
      long.fill(undefined)
      for (const chunk of chunks) chunk?.fill(0)
    }
  }
}
