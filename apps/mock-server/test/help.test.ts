/**
 * `refold-mock --help` and flag errors as a user sees them: the real process with its output piped
 * (not a TTY), and the same command line in-process on a pretend colour terminal.
 */
import { HelpDoc, Options } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { Effect } from "effect"
import { stripVTControlCharacters } from "node:util"
import { afterAll, afterEach, describe, expect, it, vi } from "vitest"
import { Cli } from "../src/index.js"
import type * as Terminal from "../src/Terminal.js"
import { cli, killAll } from "./support.js"

afterAll(killAll)
afterEach(() => vi.restoreAllMocks())

const slow = { timeout: 120_000 }
const placeholder = "A user-defined piece of text"

/**
 * An option's help as @effect/cli renders it alone: its heading, its primitive's generic line
 * ("A user-defined piece of text."), then its own description and notes.
 */
const helps = Object.entries(Cli.options).map(([name, option]: [string, Options.Options<unknown>]) => {
  const [heading, generic, ...own] = stripVTControlCharacters(HelpDoc.toAnsiText(Options.getHelp(option)))
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
  return { name, heading: heading!, generic: generic!, own }
})

describe("refold-mock --help, piped", () => {
  it("shows each option's own description, no placeholder and no escape codes, and exits 0", slow, async () => {
    const exit = await cli(["--help"]).exited
    expect(exit.code).toBe(0)
    expect(exit.stdout).not.toContain(placeholder)
    expect(exit.stdout).not.toContain("\u001b[")
    expect(exit.stdout).toContain("A local Refold execution API that answers like the real one.")
    expect(helps.length).toBeGreaterThan(15)
    for (const { generic, heading, name, own } of helps) {
      expect(own.length, name).toBeGreaterThan(0)
      // The heading, a blank line, then the option's own description, in full.
      const at = exit.stdout.indexOf(`\n${heading}\n`)
      expect(at, name).toBeGreaterThan(0)
      const below = exit.stdout.slice(at + 1).split("\n").slice(2).map((line) => line.trim()).filter((line) => line !== "")
      expect(below.slice(0, own.length), name).toEqual(own)
      expect(below[0], name).not.toBe(generic)
    }
    // The description comes right under the flag's heading.
    expect(exit.stdout).toMatch(/^--port integer\n\n {2}TCP port to listen on/m)
    expect(exit.stdout).toMatch(/^--host text\n\n {2}Interface to bind\./m)
    expect(exit.stdout).toMatch(/^\[?--clock real\|manual\]?\n\n {2}real \(default\)/m)
    // Every flag is optional, the repeatable ones too: the usage line brackets each.
    const usage = exit.stdout.split("\n").find((line) => line.startsWith("$ refold-mock"))!
    expect(usage).toContain("[--api-key text...]")
    // The value's name says what to give, not how it is held (Options.redacted's "redacted").
    expect(usage).toContain("[--admin-token token]")
    expect(usage.replace(/\[[^\]]*\]/g, "")).toBe("$ refold-mock" + " ".repeat(Object.keys(Cli.options).length))
  })

  it("refuses --clock bogus naming the flag and its values, exit 1", slow, async () => {
    const exit = await cli(["--clock", "bogus", "--port", "0"]).exited
    expect(exit.code).toBe(1)
    expect(exit.stderr).toContain("--clock must be one of real, manual, got \"bogus\"")
    expect(exit.stderr).not.toContain("\u001b[")
    expect(exit.stdout).toBe("")
  })
})

describe("refold-mock --help, in-process", () => {
  const help = async (streams: Terminal.Streams) => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {})
    await Effect.runPromise(Cli.run(["node", "main.js", "--help"], streams).pipe(Effect.provide(NodeContext.layer)))
    return log.mock.calls.map((args) => args.join(" ")).join("\n")
  }
  const tty = { isTTY: true, hasColors: () => true }

  it("keeps @effect/cli's colours on a colour terminal, without the placeholder", async () => {
    const text = await help({ stdout: tty, stderr: tty, env: {} })
    expect(text).toContain("\u001b[")
    expect(text).not.toContain(placeholder)
  })

  it("drops them under NO_COLOR, on a terminal without colours, and on a pipe", async () => {
    expect(await help({ stdout: tty, stderr: tty, env: { NO_COLOR: "1" } })).not.toContain("\u001b[")
    expect(await help({ stdout: { isTTY: true, hasColors: () => false }, stderr: tty, env: {} })).not.toContain("\u001b[")
    expect(await help({ stdout: {}, stderr: {}, env: {} })).not.toContain("\u001b[")
  })
})
