import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

/** The vendor's API docs beside the repository (`../shared/api`), or `REFOLD_API_DOCS`. */
export const docsDir =
  process.env["REFOLD_API_DOCS"] ?? fileURLToPath(new URL("../../../../../shared/api/", import.meta.url))

if (!existsSync(docsDir)) {
  throw new Error(`The vendor's API docs are expected at ${docsDir} (set REFOLD_API_DOCS to override)`)
}

/** Every top-level JSON object written in `text` (string-aware brace matching), parsed. */
export const jsonObjects = (text: string): Array<unknown> => {
  const found: Array<unknown> = []
  let depth = 0
  let start = -1
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === "\\") i++
      else if (c === '"') inString = false
    } else if (c === '"' && depth > 0) inString = true
    else if (c === "{") {
      if (depth++ === 0) start = i
    } else if (c === "}" && depth > 0 && --depth === 0) {
      try {
        found.push(JSON.parse(text.slice(start, i + 1)))
      } catch {
        // prose with braces, not JSON
      }
    }
  }
  return found
}

/** A JSON example from the vendor's docs, with the file it came from. */
export interface Example {
  readonly file: string
  readonly body: Record<string, unknown>
}

/** Every JSON object example in the docs' text files (`.txt`, `.mdx`, `.md`). */
export const examples = (): Array<Example> => {
  const files = [
    ...readdirSync(docsDir).map((f) => join(docsDir, f)),
    ...["executions", "workflows"].flatMap((dir) => readdirSync(join(docsDir, dir)).map((f) => join(docsDir, dir, f)))
  ].filter((f) => /\.(txt|mdx|md)$/.test(f))
  return files.flatMap((file) =>
    jsonObjects(readFileSync(file, "utf8"))
      .filter((b): b is Record<string, unknown> => typeof b === "object" && b !== null && !Array.isArray(b))
      .map((body) => ({ file: file.slice(docsDir.length), body }))
  )
}
