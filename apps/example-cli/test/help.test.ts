/**
 * `refold-executions --help` and a subcommand's as a user sees them: the real process with its
 * output piped (not a TTY) and no `NO_COLOR`, and in-process on a pretend colour terminal.
 */
import { FetchHttpClient } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Cli } from "../src/index.js"
import type * as Terminal from "../src/Terminal.js"
import { capture } from "./support/Cli.js"
import { spawn } from "./support/Process.js"

const placeholder = "A user-defined piece of text"

/** Each subcommand, and the descriptions its `--help` must show right under the flag or argument. */
const helps = {
  list: [["--since date", "Only executions created on or after this day"], ["--status COMPLETED|", "Only executions with this status."]],
  get: [["<id>", "The execution's id."], ["--json", "Print JSON instead of a table."]],
  watch: [["<id>", "The execution's id."], ["--interval duration", "Pause between polls"]],
  run: [["<workflowId>", "The workflow to execute."], ["--slug app", "The slug of the workflow's application"], ["--payload json", "The trigger payload"]]
} as const

describe.concurrent("refold-executions --help, piped", () => {
  it.live("the root help: plain text, exit 0", () =>
    Effect.gen(function*() {
      const { exitCode, stdout } = yield* spawn(["--help"], {}, { noColor: false })
      expect(exitCode).toBe(0)
      expect(stdout).toContain("Executions of a Refold linked account, from the terminal.")
      expect(stdout).not.toContain("\u001b[")
      expect(stdout).not.toContain(placeholder)
    }), { timeout: 60_000 })

  for (const [command, entries] of Object.entries(helps)) {
    it.live(`${command} --help: each option's and argument's own description under it, no placeholder, no escape codes`, () =>
      Effect.gen(function*() {
        const { exitCode, stdout } = yield* spawn([command, "--help"], {}, { noColor: false })
        expect(exitCode).toBe(0)
        expect(stdout).not.toContain("\u001b[")
        expect(stdout).not.toContain(placeholder)
        for (const [heading, description] of entries) {
          const at = stdout.indexOf(`\n${heading}`)
          expect(at, heading).toBeGreaterThan(0)
          // The heading's line, a blank line, then the description.
          expect(stdout.slice(at + 1).split("\n")[2]!.trim(), heading).toMatch(new RegExp(`^${description.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`))
        }
      }), { timeout: 60_000 })
  }
})

describe("refold-executions --help, in-process", () => {
  // Help sends no request: the HTTP client is only there to satisfy the type.
  const help = (streams: Terminal.Streams) =>
    capture(Cli.run(["run", "--help"], streams)).pipe(Effect.map(({ stdout }) => stdout), Effect.provide(Layer.merge(NodeContext.layer, FetchHttpClient.layer)))
  const tty = { isTTY: true, hasColors: () => true }

  it.effect("keeps @effect/cli's colours on a colour terminal, without the placeholder", () =>
    Effect.gen(function*() {
      const text = yield* help({ stdout: tty, stderr: tty, env: {} })
      expect(text).toContain("\u001b[")
      expect(text).not.toContain(placeholder)
    }))

  it.effect("drops them under NO_COLOR and on a terminal without colours", () =>
    Effect.gen(function*() {
      expect(yield* help({ stdout: tty, stderr: tty, env: { NO_COLOR: "1" } })).not.toContain("\u001b[")
      expect(yield* help({ stdout: { isTTY: true, hasColors: () => false }, stderr: tty, env: {} })).not.toContain("\u001b[")
    }))
})
