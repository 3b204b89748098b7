// Starts the mock on a free port and prints its URL on stdout (used by measure.ts).
import { createMockApp, serve } from "@refold-effect/mock"
const server = await serve(createMockApp({ journal: 0 }), { port: 0 })
console.log(`http://127.0.0.1:${server.port}`)
