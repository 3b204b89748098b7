/**
 * The raw header lists of the journal's requests, each kept once: a client sends the same headers
 * with every request, so a request whose raw headers equal the previous one's shares that list
 * instead of copying it again. A list is kept while a journal slot refers to it.
 */

/** Shared raw header lists, by number. */
export interface HeaderSets {
  /** The number of `raw` (names and values alternating), shared with the previous list when equal, referred to once more. */
  readonly take: (raw: ReadonlyArray<string>) => number
  /** Drops one reference to a list; the last one lets it go. */
  readonly release: (set: number) => void
  /** The list of a number taken and not released. */
  readonly get: (set: number) => ReadonlyArray<string>
  /** Lets every list go. */
  readonly clear: () => void
}

const equal = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** An empty collection of header lists. */
export const make = (): HeaderSets => {
  let lists: Array<ReadonlyArray<string> | undefined> = []
  let references: Array<number> = []
  let free: Array<number> = []
  let last = -1

  return {
    take: (raw) => {
      if (last !== -1 && equal(raw, lists[last]!)) {
        references[last]!++
        return last
      }
      const set = free.pop() ?? lists.length
      // A copy: the caller's array is not ours to keep as it is.
      lists[set] = raw.slice()
      references[set] = 1
      last = set
      return set
    },
    release: (set) => {
      if (--references[set]! > 0) return
      lists[set] = undefined
      free.push(set)
      if (last === set) last = -1
    },
    get: (set) => lists[set]!,
    clear: () => {
      lists = []
      references = []
      free = []
      last = -1
    }
  }
}
