import { execFile } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"

/**
 * README snippets as a project of their own, for the README tests of the packages: each snippet a
 * file, typechecked with the workspace's settings and, when it is a test, run by vitest with them.
 */

/** Runs `node` with `args` in `cwd`: its exit code and its output (stdout then stderr). */
export const runNode = (args: ReadonlyArray<string>, cwd: string) =>
  new Promise<{ code: number; output: string }>((resolve) => {
    execFile(process.execPath, args, { cwd, timeout: 170_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, output: stdout + stderr }))
  })

/**
 * Writes `files` (name to code) into `dir`, emptied first, with a `tsconfig.json` that typechecks
 * them (`compilerOptions` added to the package's) and a `vitest.config.ts` with the shared settings
 * that runs the `*.test.ts` among them. `dir` sits in a package's `test` folder, as both configs
 * extend from there.
 */
export const writeSnippetProject = (dir: string, files: Readonly<Record<string, string>>, compilerOptions: Readonly<Record<string, unknown>> = {}): void => {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  for (const [name, code] of Object.entries(files)) writeFileSync(`${dir}/${name}`, code)
  writeFileSync(`${dir}/tsconfig.json`, JSON.stringify({ extends: "../../tsconfig.json", compilerOptions: { noEmit: true, ...compilerOptions }, include: ["*.ts"] }))
  writeFileSync(
    `${dir}/vitest.config.ts`,
    `import { defineConfig, mergeConfig } from "vitest/config"\nimport { shared } from "../../../../vitest.shared.js"\n` +
      `export default mergeConfig(shared, defineConfig({ test: { include: ["*.test.ts"], reporters: ["default"] } }))\n`
  )
}

/** Typechecks the project {@link writeSnippetProject} wrote in `dir`, from the package at `packageDir`. */
export const typecheckSnippets = (dir: string, packageDir: string) =>
  runNode([new URL("./node_modules/typescript/bin/tsc", import.meta.url).pathname, "-p", `${dir}/tsconfig.json`], packageDir)

/** Runs the `*.test.ts` of the project in `dir` with the vitest of the package at `packageDir`. */
export const runSnippetSuites = (dir: string, packageDir: string) =>
  runNode([`${packageDir}node_modules/vitest/vitest.mjs`, "run", "--root", dir, "--config", `${dir}/vitest.config.ts`], packageDir)

/**
 * What a test compares of a run: its exit code, and its output only when it failed (a passing run's
 * output is noise), so that `expect(outcome(run)).toEqual(passed)` shows the failure's text.
 */
export const outcome = (run: { readonly code: number; readonly output: string }) => ({ code: run.code, output: run.code === 0 ? "" : run.output })

/** The {@link outcome} of a run that passed. */
export const passed = { code: 0, output: "" } as const
