/**
 * `@refold-effect/mock-server`: the runnable mock server and its command line.
 *
 * @since 0.1.0
 */

/** Start-up: configuration, data loading, listening, the banner. */
export * as Server from "./Server.js"

/** The `refold-mock` command line. */
export * as Cli from "./Cli.js"
