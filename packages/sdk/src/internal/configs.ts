/**
 * Options given as `Config`s, either way a `Config.Wrap` allows: a record of one `Config` per
 * option, or one `Config` of the whole record (`Config.nested(Config.all({ … }), "MYAPP")`).
 *
 * @internal
 */
import { Config, type ConfigError, Effect } from "effect"

/** Each option of `A` as a `Config` of its value, every one optional. */
export type Each<A> = { readonly [K in keyof A]?: Config.Config<NonNullable<A[K]>> | undefined }

/** The options of `A` as a record of `Config`s, or as one `Config` of the whole. */
export type Wrapped<A> = Each<A> | Config.Config<A>

/** The values read from a whole `Config`, as the record of `Config`s the rest of the SDK reads. */
export const each = <A extends object>(values: A): Each<A> => {
  const out: Record<string, Config.Config<unknown>> = {}
  for (const [key, value] of Object.entries(values)) if (value !== undefined) out[key] = Config.succeed(value)
  return out as Each<A>
}

/**
 * Reads `options` with `read`, which takes the record form: a whole `Config` is read first and its
 * values handed over as succeeded `Config`s, so that what it leaves out gets `read`'s defaults.
 * (An `Effect`: `Config` has no `flatMap` to chain a read on what was read.)
 */
export const unwrap = <A extends object, B>(
  options: Wrapped<A>,
  read: (options: Each<A>) => Config.Config<B>
): Effect.Effect<B, ConfigError.ConfigError> =>
  Config.isConfig(options)
    ? Effect.flatMap(options as Config.Config<A>, (values) => read(each(values)))
    : Effect.suspend(() => read(options as Each<A>))
