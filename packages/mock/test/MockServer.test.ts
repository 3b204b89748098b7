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
