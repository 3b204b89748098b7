#!/usr/bin/env node
// The `refold-mock` command. A file of its own rather than `dist/main.js` itself, so that the
// command exists before the first build: installing the workspace links every package's commands,
// and pnpm warns about a command whose file is missing.
import { existsSync } from "node:fs"

const main = new URL("../dist/main.js", import.meta.url)
if (!existsSync(main)) {
  console.error("refold-mock is not built yet: run `pnpm build` (or `pnpm start`) at the repository's root first.")
  process.exit(1)
}
await import(main.href)
