import { describe, expect, it } from "@effect/vitest"
import { RefoldApi } from "@refold-effect/contract"
import * as Routes from "../src/internal/Routes.js"

const api = (path: string) => [RefoldApi.listPath, RefoldApi.getPath].some((t) => Routes.matches(t, path))

describe("Routes.matches", () => {
  it.each([
    ["/api/v2/public/execution", true],
    ["/api/v2/public/execution/", true],
    ["/api/v2/public/execution/65410cf6cdf931a12d7ab009", true],
    ["/api/v2/public/execution/abc/", true],
    ["/api/v2/public/execution//", false],
    ["/api/v2/public/execution/abc//", false],
    ["/api/v2/public/execution/a/b", false],
    ["/api/v2/public/executions", false],
    ["/api/v2/public", false],
    ["/", false]
  ])("%s fits an API route: %s", (path, expected) => {
    expect(api(path)).toBe(expected)
  })
})
