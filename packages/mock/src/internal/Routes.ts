/**
 * The mock's routes, all derived from the contract's `RefoldApi.endpoints` (the API's) and the
 * admin and docs routes: which methods a path allows (for a 405 and its `Allow` header), and which
 * known route a caller who got a 404 probably meant (the nearest by edit distance over
 * `METHOD path`).
 */
import { RefoldApi } from "@refold-effect/contract"
import { distance } from "fastest-levenshtein"

/** The routes beside the API's: the docs and the admin API. */
const others: ReadonlyArray<string> = [
  "GET /openapi.json",
  "GET /docs",
  "GET /__admin/health",
  "GET /__admin/requests",
  "POST /__admin/requests/count",
  "DELETE /__admin/requests",
  "GET /__admin/settings",
  "POST /__admin/settings",
  "POST /__admin/reset",
  "POST /__admin/session-tokens",
  "GET /__admin/webhooks/deliveries",
  "DELETE /__admin/webhooks/deliveries",
  "GET /__admin/stubs",
  "POST /__admin/stubs",
  "DELETE /__admin/stubs",
  "GET /__admin/clock",
  "POST /__admin/clock/advance",
  "POST /__admin/executions",
  "PATCH /__admin/executions/:id",
  "POST /__admin/executions/:id/outcome"
]

/** Every route the mock answers, as `METHOD /path` with `:param` placeholders. */
export const known: ReadonlyArray<string> = [...RefoldApi.endpoints.map((e) => `${e.method} ${e.path}`), ...others]

/**
 * Whether `path` fits a route template such as `/api/v2/public/execution/:execution_id`: the same
 * segments, each `:param` one non-empty segment, a trailing slash tolerated (Hono is not strict).
 */
export const matches = (template: string, path: string): boolean => {
  const want = template.split("/")
  const got = (path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path).split("/")
  return want.length === got.length && want.every((s, i) => (s.startsWith(":") ? got[i] !== "" : s === got[i]))
}

/**
 * The methods the API allows on `path`, for a 405's `Allow` header (`GET, HEAD`, `POST`), or
 * `undefined` when no API route has that shape (a 404).
 */
export const allowed = (path: string): string | undefined => {
  const methods = new Set<string>()
  for (const e of RefoldApi.endpoints) {
    if (!matches(e.path, path)) continue
    methods.add(e.method)
    if (e.method === "GET") methods.add("HEAD")
  }
  return methods.size === 0 ? undefined : [...methods].join(", ")
}

/** A template with its `:param` segments filled from the request's segments at the same place. */
const fill = (template: string, path: string) => {
  const segments = path.split("/")
  return template
    .split("/")
    .map((s, i) => (s.startsWith(":") && segments[i] !== undefined && segments[i] !== "" ? segments[i] : s))
    .join("/")
}

/**
 * The known route nearest to `METHOD path` (with its placeholders), or `undefined` when none is
 * close: more than a third of the longer string would have to change. A route of the same method
 * that only adds a segment to the path comes first (`POST /__admin/clock` meant
 * `POST /__admin/clock/advance`, not the equally short `POST /__admin/reset`).
 */
export const nearest = (method: string, path: string): string | undefined => {
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path
  const longer = known.find((route) => {
    const [m, template] = route.split(" ") as [string, string]
    const cut = template.lastIndexOf("/")
    return m === method.toUpperCase() && cut > 0 && matches(template.slice(0, cut), trimmed)
  })
  if (longer !== undefined) return longer
  const asked = `${method.toUpperCase()} ${path.length > 200 ? path.slice(0, 200) : path}`
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const route of known) {
    const d = distance(asked, fill(route, asked))
    if (d < bestDistance) {
      best = route
      bestDistance = d
    }
  }
  return best !== undefined && bestDistance <= Math.max(asked.length, best.length) / 3 ? best : undefined
}
