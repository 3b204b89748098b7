/**
 * The mock's routes, to tell a caller who got a 404 which one they probably meant: the known route
 * nearest to the request by edit distance over `METHOD path`.
 */
import { RefoldApi } from "@refold-effect/contract"
import { distance } from "fastest-levenshtein"

/** Every route the mock answers, as `METHOD /path` with `:param` placeholders. */
export const known: ReadonlyArray<string> = [
  `GET ${RefoldApi.listPath}`,
  `GET ${RefoldApi.getPath}`,
  `GET ${RefoldApi.webhooksPath}`,
  `POST ${RefoldApi.webhooksPath}`,
  `GET ${RefoldApi.webhookPath}`,
  `PUT ${RefoldApi.webhookPath}`,
  `DELETE ${RefoldApi.webhookPath}`,
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
  "DELETE /__admin/webhooks/deliveries"
]

/**
 * Whether `path` fits a route template such as `/api/v2/public/execution/:execution_id`: the same
 * segments, each `:param` one non-empty segment, a trailing slash tolerated (Hono is not strict).
 */
export const matches = (template: string, path: string): boolean => {
  const want = template.split("/")
  const got = (path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path).split("/")
  return want.length === got.length && want.every((s, i) => (s.startsWith(":") ? got[i] !== "" : s === got[i]))
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
 * close: more than a third of the longer string would have to change.
 */
export const nearest = (method: string, path: string): string | undefined => {
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
