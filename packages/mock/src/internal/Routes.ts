/**
 * The routes one mock app serves, read from its Hono route table once every route is registered
 * (the API's, derived from the contract's `RefoldApi.endpoints`, the docs' and the admin API's):
 * which methods a path allows (for a 405 and its `Allow` header, on every route alike), and which
 * known route a caller who got a 404 probably meant (the nearest by edit distance over `METHOD path`).
 */
import { distance } from "fastest-levenshtein"

/** A route as Hono's `app.routes` lists it; middleware is listed with the method `ALL`. */
export interface Served {
  readonly method: string
  readonly path: string
}

/** What the routes of an app tell. */
export interface Routes {
  /** Every route the app answers, as `METHOD /path` with `:param` placeholders, the API's first. */
  readonly known: ReadonlyArray<string>
  /**
   * The methods the app allows on `path`, for a 405's `Allow` header (`GET, HEAD`, `POST`), or
   * `undefined` when no route has that shape (a 404).
   */
  readonly allowed: (path: string) => string | undefined
  /**
   * The known route nearest to `METHOD path` (with its placeholders), or `undefined` when none is
   * close: more than a third of the longer string would have to change. A route of the same method
   * that only adds a segment to the path comes first (`POST /__admin/clock` meant
   * `POST /__admin/clock/advance`, not the equally short `POST /__admin/reset`).
   */
  readonly nearest: (method: string, path: string) => string | undefined
  /** The methods of the routes under `prefix` (such as `/__admin`), comma-separated. */
  readonly methodsUnder: (prefix: string) => string
}

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
 * The routes of an app, from its route table (`app.routes`); `first` tells the routes that come
 * first in {@link Routes.known} (the API's), so that a tie in {@link Routes.nearest} goes to them.
 */
export const of = (served: ReadonlyArray<Served>, first: (path: string) => boolean = () => false): Routes => {
  const routes = [...new Map(served.filter((r) => r.method !== "ALL").map((r) => [`${r.method} ${r.path}`, r])).values()]
  routes.sort((a, b) => Number(first(b.path)) - Number(first(a.path)))
  const known = routes.map((r) => `${r.method} ${r.path}`)

  const allowed = (path: string): string | undefined => {
    const methods = new Set<string>()
    for (const r of routes) {
      if (!matches(r.path, path)) continue
      methods.add(r.method)
      if (r.method === "GET") methods.add("HEAD")
    }
    return methods.size === 0 ? undefined : [...methods].join(", ")
  }

  const nearest = (method: string, path: string): string | undefined => {
    const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path
    const longer = routes.find((r) => {
      const cut = r.path.lastIndexOf("/")
      return r.method === method.toUpperCase() && cut > 0 && matches(r.path.slice(0, cut), trimmed)
    })
    if (longer !== undefined) return `${longer.method} ${longer.path}`
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

  const methodsUnder = (prefix: string) => [...new Set(routes.filter((r) => r.path.startsWith(`${prefix}/`)).map((r) => r.method))].join(",")

  return { known, allowed, nearest, methodsUnder }
}
