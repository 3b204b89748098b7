/**
 * Settings of one call that replace the configured ones (the Promise client's per-call `timeout`
 * and `maxRetries`): fiber-local, so calls in flight at once never see each other's.
 *
 * @internal
 */
import { FiberRef } from "effect"
import type { Settings } from "../RefoldConfig.js"

/** The settings the current fiber's calls use instead of the configured ones. */
export const current: FiberRef.FiberRef<Partial<Settings> | undefined> = FiberRef.unsafeMake<Partial<Settings> | undefined>(undefined)
