/**
 * Random UUIDs (version 4), as `crypto.randomUUID` makes them, from the same kind of buffered
 * cryptographic randomness, but each built as one flat string: `randomUUID` joins some twenty
 * pieces per id, about half a kilobyte of garbage on every request the mock answers.
 */
import { randomFillSync } from "node:crypto"

/** How many ids one draw of randomness serves. */
const BATCH = 256

const random = Buffer.allocUnsafe(16 * BATCH)
let next = BATCH

/** The id's character codes, rewritten for each id; the dashes stay. */
const codes = Array.from("00000000-0000-4000-8000-000000000000", (ch) => ch.charCodeAt(0))
const hex = Array.from("0123456789abcdef", (ch) => ch.charCodeAt(0))
/** Where each of the 16 bytes goes (two hex digits each). */
const at = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34]

/** A new random UUID, lower-case, such as `0a9c51e2-3f4b-4c1d-9e8f-7a6b5c4d3e2f`. */
export const v4 = (): string => {
  if (next === BATCH) {
    randomFillSync(random)
    next = 0
  }
  const offset = 16 * next++
  for (let i = 0; i < 16; i++) {
    let byte = random[offset + i]!
    if (i === 6) byte = (byte & 0x0f) | 0x40 // version 4
    else if (i === 8) byte = (byte & 0x3f) | 0x80 // the variant of RFC 9562
    codes[at[i]!] = hex[byte >> 4]!
    codes[at[i]! + 1] = hex[byte & 0x0f]!
  }
  return String.fromCharCode.apply(null, codes)
}
