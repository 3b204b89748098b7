// The packed-install check: what we would publish, installed as a user outside this repository would.
//
// 1. `pnpm pack` every public package (workspace ranges become versions); no `dist/**/*.js` without
//    its `src` file (stale output); then `publint` and `@arethetypeswrong/cli` (ESM-only profile) on
//    each tarball.
// 2. In a fresh project under the OS temp dir (outside the workspace, plain npm, the npm registry for
//    everything else): install effect + @effect/platform, measure; add the tarballs of the mock and
//    what it depends on, measure again: the difference is what `@refold-effect/mock` adds to a
//    project, which must stay at most 30 MB, with no engine warning on this Node and no package
//    with an install script (npm runs them, and one may call out: `@scarf/scarf` reports installs).
// 3. Add the SDK, the server and @effect/platform-node; typecheck .ci/consumer (strict,
//    exactOptionalPropertyTypes, skipLibCheck: false) and run it: the SDK against the packed mock,
//    over TCP and in-process. Then the CLI: `npx refold-mock` and `npx @refold-effect/mock-server` on
//    a random port, and a package.json script calling `refold-mock`.
//
// Prints one line per check and the install figure; writes .ci/test-results.json (the counts, in
// vitest's report shape) for .ci/summary.mjs; exits 1 when any check fails.
// Run from the repository root after a build: `node .ci/pack-check.mjs` (`pnpm pack-check`).
import { spawn, spawnSync } from "node:child_process"
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, lstatSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

const root = resolve(import.meta.dirname, "..")
const limitMb = 30
/** The public packages, by workspace folder. */
const packages = {
  "@refold-effect/contract": "packages/contract",
  "@refold-effect/fixtures": "fixtures",
  "@refold-effect/sdk": "packages/sdk",
  "@refold-effect/mock": "packages/mock",
  "@refold-effect/mock-server": "apps/mock-server"
}
/** The Effect 3 line the READMEs pin. */
const effect = ["effect@^3.22", "@effect/platform@^0.97"]
const bin = (name) => join(root, "node_modules", ".bin", name)

const started = Date.now()
let passed = 0
let failed = 0
const check = (name, ok, detail = "") => {
  if (ok) passed++
  else failed++
  const at = `${Math.round((Date.now() - started) / 1000)}s`.padStart(4)
  console.log(`pack-check: ${at} ${ok ? "ok  " : "FAIL"} ${name}${detail ? `: ${detail}` : ""}`)
  return ok
}

/** Runs a command to its end; its output is kept, and shown when it fails. */
const run = (command, args, options = {}) => {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 300_000, ...options })
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`
  return { ok: result.status === 0, output, status: result.status }
}
/** The installed packages (`name@version`) under `dir` with a preinstall, install or postinstall script. */
const scripted = (dir) => {
  const found = []
  const visit = (modules) => {
    let names
    try {
      names = readdirSync(modules)
    } catch {
      return
    }
    for (const name of names) {
      if (name.startsWith(".")) continue
      if (name.startsWith("@")) {
        for (const scoped of readdirSync(join(modules, name))) visitPackage(join(modules, name, scoped))
      } else visitPackage(join(modules, name))
    }
  }
  const visitPackage = (path) => {
    try {
      const manifest = JSON.parse(readFileSync(join(path, "package.json"), "utf8"))
      const scripts = manifest.scripts ?? {}
      if (scripts.preinstall || scripts.install || scripts.postinstall) found.push(`${manifest.name}@${manifest.version}`)
    } catch {
      // not a package
    }
    visit(join(path, "node_modules"))
  }
  visit(dir)
  return found
}

/** `run`, without blocking: for the checks that can go side by side. */
const runAsync = (command, args, options = {}) =>
  new Promise((done) => {
    const child = spawn(command, args, { timeout: 300_000, ...options })
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    child.on("error", (error) => done({ ok: false, output: `${output}${error.message}` }))
    child.on("close", (status) => done({ ok: status === 0, output }))
  })
/** Runs `work` on every item, at most `width` at once; the results in the items' order. */
const pool = async (items, width, work) => {
  const results = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await work(items[i])
    }
  }
  await Promise.all(Array.from({ length: width }, worker))
  return results
}
const tail = (text, lines = 30) => text.trim().split("\n").slice(-lines).join("\n")

/** Apparent size of a folder (the sum of its files' sizes), in bytes, symbolic links not followed. */
const size = (dir) => {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) total += size(path)
    else if (entry.isFile()) total += lstatSync(path).size
  }
  return total
}
const mb = (bytes) => bytes / 1_000_000
const engineWarnings = (npmOutput) => (npmOutput.match(/EBADENGINE Unsupported engine/g) ?? []).length

const work = mkdtempSync(join(tmpdir(), "refold-pack-check-"))
try {
  // 1. Pack, lint the tarballs.
  const tarballs = {}
  const packs = join(work, "packs")
  mkdirSync(packs)
  for (const [name, dir] of Object.entries(packages)) {
    const packed = run("pnpm", ["pack", "--pack-destination", packs], { cwd: join(root, dir) })
    const file = packed.output.trim().split("\n").at(-1)?.trim() ?? ""
    if (check(`pnpm pack ${name}`, packed.ok && file.endsWith(".tgz"), packed.ok ? "" : tail(packed.output))) tarballs[name] = resolve(packs, file)
  }
  // Stale build output: `tsc -b` never deletes what a removed source compiled to (the builds clean
  // `dist` first); a packed `dist/**/*.js` without its `src/**/*.ts` fails, as a dead module would ship.
  for (const [name, file] of Object.entries(tarballs)) {
    const listed = run("tar", ["-tzf", file])
    const entries = new Set(listed.output.split("\n").map((line) => line.trim().replace(/^package\//, "")))
    const orphans = [...entries].filter((path) => /^dist\/.*\.js$/.test(path) && !entries.has(path.replace(/^dist\//, "src/").replace(/\.js$/, ".ts")))
    check(`${name}: every packed dist/**/*.js has its src file`, listed.ok && orphans.length === 0 && entries.size > 1, listed.ok ? orphans.join(", ") : tail(listed.output))
  }
  // publint (warnings and suggestions fail too) and attw on every tarball, two at a time (CI has 2 cores).
  const lints = Object.entries(tarballs).flatMap(([name, file]) => [
    { name: `publint ${name}`, command: bin("publint"), args: ["run", file, "--strict"], clean: (out) => !/\b(Suggestion|Warning|Error)s?:/.test(out) },
    { name: `attw ${name}`, command: bin("attw"), args: [file, "--profile", "esm-only", "--format", "ascii", "--no-color"], clean: () => true }
  ])
  const linted = await pool(lints, 2, (lint) => runAsync(lint.command, lint.args))
  lints.forEach((lint, i) => {
    const ok = linted[i].ok && lint.clean(linted[i].output)
    check(lint.name, ok, ok ? "" : tail(linted[i].output))
  })
  if (Object.keys(tarballs).length !== Object.keys(packages).length) throw new Error("not every package packed")

  // 2. The install figure: what the mock adds beyond effect + @effect/platform.
  const consumer = join(work, "consumer")
  cpSync(join(root, ".ci", "consumer"), consumer, { recursive: true })
  const npm = (args) => run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=warn", ...args], { cwd: consumer })
  const base = npm(effect)
  if (!check("npm install effect @effect/platform", base.ok, base.ok ? "" : tail(base.output))) throw new Error("no base install")
  const before = size(join(consumer, "node_modules"))
  const scriptedBefore = new Set(scripted(join(consumer, "node_modules")))
  const mock = npm(["@refold-effect/contract", "@refold-effect/fixtures", "@refold-effect/mock"].map((name) => tarballs[name]))
  if (!check("npm install the packed @refold-effect/mock", mock.ok, mock.ok ? "" : tail(mock.output))) throw new Error("no mock install")
  const added = mb(size(join(consumer, "node_modules")) - before)
  const warnings = engineWarnings(mock.output)
  console.log(
    `pack-check: install figure: @refold-effect/mock adds ${added.toFixed(1)} MB beyond effect + @effect/platform ` +
      `(${mb(before).toFixed(1)} MB), limit ${limitMb} MB; ${warnings} engine warning(s) on Node ${process.versions.node}`
  )
  check(`@refold-effect/mock adds at most ${limitMb} MB`, added <= limitMb, `${added.toFixed(1)} MB`)
  check("no engine warning installing @refold-effect/mock", warnings === 0, warnings ? tail(mock.output) : "")
  const scriptedNow = scripted(join(consumer, "node_modules")).filter((p) => !scriptedBefore.has(p))
  check("@refold-effect/mock brings no package with an install script", scriptedNow.length === 0, scriptedNow.join(", "))

  // 3. The consumer: the rest of the packages, typecheck, run.
  const rest = npm([tarballs["@refold-effect/sdk"], tarballs["@refold-effect/mock-server"], "@effect/platform-node@^0.108", "@types/node@^20"])
  if (!check("npm install the packed SDK and server", rest.ok, rest.ok ? "" : tail(rest.output))) throw new Error("no consumer install")
  check("no engine warning installing the SDK and server", engineWarnings(rest.output) === 0, engineWarnings(rest.output) ? tail(rest.output) : "")
  const tsc = run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: consumer })
  if (check("consumer typechecks (strict, exactOptionalPropertyTypes, skipLibCheck: false)", tsc.ok, tsc.ok ? "" : tail(tsc.output))) {
    const program = run(process.execPath, ["dist/main.js"], { cwd: consumer, timeout: 60_000 })
    check("consumer runs: the SDK against the packed mock over TCP and in-process", program.ok, tail(program.output, 10))
  }

  // The CLI, as `npx` and as a package.json script would run it.
  const help = run("npm", ["run", "--silent", "mock:help"], { cwd: consumer })
  const helpOk = help.ok && help.output.includes("--port") && help.output.includes("--fault-seed")
  check("package.json script `refold-mock --help`", helpOk, helpOk ? "" : tail(help.output, 10))
  for (const command of ["refold-mock", "@refold-effect/mock-server"]) {
    const result = await serveOnce(consumer, command)
    check(`npx ${command} --port 0 serves the API and /docs, and stops on SIGTERM`, result.ok, result.detail)
  }
} catch (error) {
  check("pack-check ran to its end", false, error instanceof Error ? error.message : String(error))
} finally {
  rmSync(work, { recursive: true, force: true })
}
console.log(`pack-check: ${passed} passed, ${failed} failed in ${Math.round((Date.now() - started) / 1000)} s`)
writeFileSync(join(root, ".ci", "test-results.json"), JSON.stringify({ numPassedTests: passed, numFailedTests: failed, numPendingTests: 0 }))
process.exit(failed === 0 ? 0 : 1)

/**
 * Starts the server with `npx <command> --port 0 --generate 40 --seed 3`, reads its URL from the
 * banner, asks for a page of executions and the /docs assets, then stops it with SIGTERM.
 */
async function serveOnce(cwd, command) {
  const child = spawn("npx", ["--no-install", command, "--port", "0", "--generate", "40", "--seed", "3"], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: npx runs the server as a child, and the signal must reach both.
    detached: true
  })
  const signal = (name) => {
    try {
      process.kill(-child.pid, name)
    } catch {
      // already gone
    }
  }
  let output = ""
  child.stdout.on("data", (chunk) => (output += chunk))
  child.stderr.on("data", (chunk) => (output += chunk))
  const exited = new Promise((done) => child.on("exit", (code, signal) => done({ code, signal })))
  try {
    const url = await new Promise((found, fail) => {
      const timer = setTimeout(() => fail(new Error("no URL in the banner within 60 s")), 60_000)
      const look = () => {
        const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output)
        if (match) {
          clearTimeout(timer)
          found(match[0])
        }
      }
      child.stdout.on("data", look)
      child.stderr.on("data", look)
      exited.then(() => fail(new Error("exited before serving")))
    })
    const headers = { "x-api-key": "tk_cli", linked_account_id: "user_12345" }
    const page = await fetch(`${url}/api/v2/public/execution?page=1&limit=5`, { headers, signal: AbortSignal.timeout(10_000) })
    const body = await page.json()
    const docs = await fetch(`${url}/docs`, { signal: AbortSignal.timeout(10_000) })
    const script = await fetch(`${url}/docs/swagger-ui-bundle.js`, { signal: AbortSignal.timeout(10_000) })
    await script.arrayBuffer()
    await docs.text()
    signal("SIGTERM")
    const { code, signal: by } = await exited
    // Stopped means the port is closed, not just npx gone.
    const closed = await fetch(url, { signal: AbortSignal.timeout(5_000) }).then(() => false, () => true)
    const ok = page.status === 200 && body.totalDocs > 0 && body.docs.length === 5 && docs.status === 200 && script.status === 200 && closed
    return { ok, detail: `${url}: page ${page.status} (${body.docs?.length} of ${body.totalDocs}), /docs ${docs.status}, script ${script.status}, exit ${code ?? by}, port ${closed ? "closed" : "STILL OPEN"}` }
  } catch (error) {
    signal("SIGKILL")
    return { ok: false, detail: `${error instanceof Error ? error.message : error}\n${tail(output, 15)}` }
  }
}
