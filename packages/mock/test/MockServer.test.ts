import { request as httpRequest, Agent } from "node:http"
import { describe, expect, it } from "vitest"
import { createMockApp, serve } from "../src/index.js"
import { small } from "./support/data.js"

const mock = createMockApp({ data: small(10) })

describe("serve", () => {
  it("listens on a random port with port 0, and close frees it", async () => {
    const server = await serve(mock, { port: 0 })
    expect(server.port).toBeGreaterThan(0)
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
    const response = await fetch(`${server.url}/api/v2/public/execution`, { headers: { authorization: "Bearer tok-acme" } })
    expect(response.status).toBe(200)
    await server.close()
    await expect(fetch(`${server.url}/api/v2/public/execution`)).rejects.toThrow()
    const again = await serve(mock, { port: server.port })
    expect(again.port).toBe(server.port)
    await again.close()
  })

  it("rejects with the address when the port is taken", async () => {
    const server = await serve(mock, { port: 0 })
    await expect(serve(mock, { port: server.port })).rejects.toThrow(`Cannot listen on 127.0.0.1:${server.port}: the port is already in use`)
    await server.close()
  })

  it("rejects an option that could never work, or is none, naming it, before anything listens", async () => {
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      [{ port: "abc" }, 'Invalid port: expected an integer from 0 to 65535 (0 picks a free one), got "abc"'],
      [{ port: "4011" }, 'Invalid port: expected an integer from 0 to 65535 (0 picks a free one), got "4011"'],
      [{ port: 65536 }, "Invalid port: expected an integer from 0 to 65535 (0 picks a free one), got 65536"],
      [{ port: 1.5 }, "Invalid port: expected an integer from 0 to 65535 (0 picks a free one), got 1.5"],
      [{ host: "" }, 'Invalid host: expected an interface\'s name or address such as "127.0.0.1" or "::", got ""'],
      [{ prot: 0 }, 'Unknown option "prot": expected one of port, host'],
      [null, "Invalid options: expected an object of options, got null"]
    ]
    for (const [options, message] of cases) {
      const error = await serve(mock, options as never).then(() => undefined, (e: unknown) => e)
      expect(error, JSON.stringify(options)).toBeInstanceOf(RangeError)
      expect((error as Error).message).toBe(message)
    }
    await expect(serve(mock.app as never, { port: 0 })).rejects.toThrow(/^Invalid mock: expected a mock app from createMockApp\(\.\.\.\), got /)
  })

  it("serves IPv6 hosts with a bracketed URL", async () => {
    const server = await serve(mock, { port: 0, host: "::1" }).catch(() => undefined)
    if (server === undefined) return // no IPv6 loopback on this machine
    expect(server.url).toBe(`http://[::1]:${server.port}`)
    expect((await fetch(`${server.url}/nope`)).status).toBe(404)
    await server.close()
  })

  it("closes once however often close is called: at once, one after the other, or again later", async () => {
    const server = await serve(mock, { port: 0 })
    await Promise.all([server.close(), server.close()])
    await server.close()
    await expect(fetch(`${server.url}/api/v2/public/execution`)).rejects.toThrow()
  })

  it("closes promptly while a client holds a keep-alive connection", async () => {
    const server = await serve(mock, { port: 0 })
    const agent = new Agent({ keepAlive: true })
    await new Promise<void>((resolve, reject) =>
      httpRequest(`${server.url}/api/v2/public/execution`, { agent, headers: { authorization: "Bearer tok-acme" } }, (res) => {
        res.resume()
        res.on("end", resolve)
      }).on("error", reject).end()
    )
    const started = Date.now()
    await server.close()
    expect(Date.now() - started).toBeLessThan(900)
    agent.destroy()
  })
})
