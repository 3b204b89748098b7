/**
 * A webhook receiver on Node's own `http`: verifies each delivery's `x-cobalt-signature` and
 * decodes its payload with `Webhooks.receive`.
 *
 * Against the local mock (`pnpm start`), register it, then let an execution end:
 *
 *   REFOLD_API_KEY=tk_test_local PORT=8080 pnpm --filter @refold-effect/sdk example examples/webhook-receiver.ts
 *   curl -X POST localhost:4010/api/v2/public/webhook -H 'x-api-key: tk_test_local' \
 *     -d '{"url":"http://127.0.0.1:8080/webhooks/refold","events":["Workflow Completed","Workflow Errored"]}'
 */
import { createServer } from "node:http"
import { InvalidSignature, Webhooks } from "@refold-effect/sdk/promise"

const apiKey = process.env.REFOLD_API_KEY ?? ""

const server = createServer(async (request, response) => {
  // The signature covers the raw bytes: read them as sent, never re-serialised JSON.
  const chunks: Array<Buffer> = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  try {
    const payload = await Webhooks.receive(Buffer.concat(chunks), request.headers["x-cobalt-signature"], apiKey)
    // Acknowledge at once: anything but a 200 is delivered again (up to 3 times).
    response.writeHead(200).end()
    // Deliveries may repeat: deduplicate on instance_id before doing the work.
    if ("instance_id" in payload) console.log(`${payload.event}: ${payload.instance_id} (${payload.status})`)
  } catch (error) {
    response.writeHead(error instanceof InvalidSignature ? 401 : 400).end()
    console.log(`rejected: ${(error as Error).message}`)
  }
})

server.listen(Number(process.env.PORT ?? 8080), "127.0.0.1", () => {
  const address = server.address()
  console.log(`listening on http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : ""}/webhooks/refold`)
})
