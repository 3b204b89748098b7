/**
 * What the command line prints, fit for where it goes. `@effect/cli` 0.77 has no setting for
 * either problem fixed here, and writes both help and its parse errors through the `Console`
 * service (`Console.log(HelpDoc.toAnsiText(doc))`), so that service is the one seam. (The
 * example CLI has the same module: it shows the SDK alone, without this package.)
 *
 * - every option's and argument's help starts with its primitive's generic line, hard-coded in
 *   `Options.getHelp` ahead of the `withDescription` text: for `Options.text` that is the
 *   placeholder "A user-defined piece of text.", for a flag "A true or false value." (a flag takes
 *   no value). The heading already gives the type, so those lines are dropped.
 * - `HelpDoc.toAnsiText` always emits ANSI styles. They are kept on a colour terminal and removed
 *   when the stream is not a TTY or `NO_COLOR` is set (https://no-color.org).
 *
 * @since 0.2.0
 */
import { HelpDoc, Options } from "@effect/cli"
import { Console, Effect } from "effect"
import { stripVTControlCharacters } from "node:util"

/** The first line under the heading of an option's help: its primitive's generic line. */
const genericLine = (option: Options.Options<unknown>) =>
  stripVTControlCharacters(HelpDoc.toAnsiText(Options.getHelp(option))).split("\n").map((line) => line.trim()).filter((line) => line !== "")[1]!

/**
 * The generic lines, rendered by `@effect/cli` itself (so that a reworded line in a later version
 * is still found); a choice's line ends with its values, so it is known by its beginning.
 */
const generic = new Set(
  [Options.text("x"), Options.redacted("x"), Options.boolean("x"), Options.integer("x"), Options.float("x"), Options.date("x")].map(genericLine)
)
const choiceLine = genericLine(Options.choice("x", ["x"])).slice(0, -1)
const isGeneric = (line: string) => generic.has(line) || line.startsWith(choiceLine)

/** Drops the generic paragraphs (a line of its own and the blank line after it). */
const withoutGeneric = (text: string): string => {
  const lines = text.split("\n")
  const kept: Array<string> = []
  for (let i = 0; i < lines.length; i++) {
    if (isGeneric(stripVTControlCharacters(lines[i]!).trim())) {
      if (lines[i + 1]?.trim() === "") i++
      continue
    }
    kept.push(lines[i]!)
  }
  return kept.join("\n")
}

/** A stream as far as colour goes: Node's `process.stdout`, `process.stderr`. */
export interface Stream {
  readonly isTTY?: boolean | undefined
  readonly hasColors?: (() => boolean) | undefined
}

/** Whether ANSI styles may go to `stream`: a TTY that has colours, and no non-empty `NO_COLOR`. */
export const colours = (stream: Stream, env: Readonly<Record<string, string | undefined>>): boolean =>
  stream.isTTY === true && (env["NO_COLOR"] ?? "") === "" && (stream.hasColors?.() ?? false)

/** One printed value, fit for a stream with or without colours. */
export const fit = (value: unknown, colour: boolean): unknown => {
  if (typeof value !== "string") return value
  const text = withoutGeneric(value)
  return colour ? text : stripVTControlCharacters(text)
}

/** Where the output goes, and the environment (`NO_COLOR`): `process` itself. */
export interface Streams {
  readonly stdout: Stream
  readonly stderr: Stream
  readonly env: Readonly<Record<string, string | undefined>>
}

/**
 * Runs `self` with a `Console` whose `log` (stdout) and `error` (stderr) print fit for `streams`;
 * the rest of the current console is kept.
 */
export const fitted = <A, E, R>(self: Effect.Effect<A, E, R>, streams: Streams): Effect.Effect<A, E, R> =>
  Console.consoleWith((current) => {
    const out = colours(streams.stdout, streams.env)
    const err = colours(streams.stderr, streams.env)
    return Effect.withConsole(self, {
      ...current,
      log: (...args) => current.log(...args.map((arg) => fit(arg, out))),
      error: (...args) => current.error(...args.map((arg) => fit(arg, err)))
    })
  })
