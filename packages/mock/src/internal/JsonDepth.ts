/**
 * How deep a JSON text nests, found by a scan before it is parsed, so that no parser, walker or
 * formatter recurses on a hostile body.
 *
 * @internal
 */

/** Whether a JSON text nests deeper than `max` levels of arrays and objects. */
export const deeperThan = (text: string, max: number): boolean => {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === 0x5c) i++ // a backslash escapes the next character
      else if (ch === 0x22) inString = false
    } else if (ch === 0x22) inString = true
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return true
    } else if (ch === 0x5d || ch === 0x7d) depth--
  }
  return false
}
