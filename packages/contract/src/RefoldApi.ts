/**
 * The execution API as an `HttpApi`: every operation with its parameters, success and error
 * schemas, and both authentication schemes. The OpenAPI document is generated from it (see
 * `OpenApi.ts`), and {@link endpoints} lists its routes for servers and clients to derive from, so
 * neither restates a route by hand.
 *
 * One module per concern: `api/Authentication.ts`, `api/Executions.ts`, `api/Workflows.ts`,
 * `api/Webhooks.ts`.
 *
 * @since 0.1.0
 */
import { HttpApi, type HttpApiEndpoint, type HttpApiGroup, OpenApi } from "@effect/platform"
import { Executions } from "./api/Executions.js"
import { Webhooks } from "./api/Webhooks.js"
import { Workflows } from "./api/Workflows.js"

export { AccountHeaders, Authentication } from "./api/Authentication.js"
export {
  batchesPath,
  Executions,
  getExecution,
  getPath,
  listExecutionNodeBatches,
  listExecutions,
  listPath,
  rerunExecution,
  rerunPath,
  stopExecution,
  stopPath
} from "./api/Executions.js"
export { executePath, executeWorkflow, Workflows } from "./api/Workflows.js"
export {
  deleteWebhook,
  getWebhookById,
  listWebhooks,
  OrgAuthentication,
  registerWebhook,
  updateWebhook,
  webhookPath,
  Webhooks,
  webhooksPath
} from "./api/Webhooks.js"

/** The Refold public execution API. */
export class RefoldApi extends HttpApi.make("refold")
  .add(Executions)
  .add(Workflows)
  .add(Webhooks)
  .annotateContext(
    OpenApi.annotations({
      title: "Refold public execution API",
      version: "2",
      description:
        "The execution endpoints of the Refold (formerly Cobalt) public API, as implemented by refold-effect's SDK and mock server.",
      servers: [
        { url: "https://app.refold.ai", description: "Refold" },
        { url: "http://127.0.0.1:4010", description: "refold-effect mock server (pnpm start)" }
      ]
    })
  ) {}

/** The name of an operation (`operationId`), such as `stopExecution`. */
export type EndpointName = HttpApiEndpoint.HttpApiEndpoint.Name<HttpApiGroup.HttpApiGroup.Endpoints<typeof Executions | typeof Workflows | typeof Webhooks>>

/** One route of the API: its operation name, HTTP method and path template (`:param` segments). */
export interface Endpoint {
  readonly name: EndpointName
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  readonly path: string
}

/** Every operation of {@link RefoldApi}, in definition order, read from the definition itself. */
export const endpoints: ReadonlyArray<Endpoint> = [Executions, Workflows, Webhooks].flatMap((group) =>
  Object.values(group.endpoints).map((e) => ({ name: e.name as EndpointName, method: e.method as Endpoint["method"], path: e.path }))
)

/** The operation with this name. */
export const endpoint = (name: EndpointName): Endpoint => endpoints.find((e) => e.name === name)!

/** A path template with its `:param` segments filled in, each percent-encoded: `pathOf(stopPath, { execution_id })`. */
export const pathOf = (template: string, params: Readonly<Record<string, string>>): string =>
  template.replace(/:([A-Za-z_]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ""))
