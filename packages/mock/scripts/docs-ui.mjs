// Copies the two files of Swagger UI that `/docs` loads (with its licence and notice) from the
// `swagger-ui-dist` devDependency into `docs-ui/`, which the package ships. So installing the mock
// does not install `swagger-ui-dist`, whose `@scarf/scarf` dependency reports every install to
// scarf.sh from a postinstall script. Run by `build`.
import { copyFileSync, mkdirSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const from = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"))
const to = fileURLToPath(new URL("../docs-ui/", import.meta.url))
mkdirSync(to, { recursive: true })
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"]) copyFileSync(join(from, file), join(to, file))
