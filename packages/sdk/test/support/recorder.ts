/** A tracer and a logger that keep everything, so tests can look for leaked secrets. */
import { Cause, Effect, Exit, Inspectable, Layer, Logger, LogLevel, Option, Tracer } from "effect"
import { inspect } from "node:util"

/** A finished or running span, as recorded. */
export interface RecordedSpan {
  readonly id: string
  readonly name: string
  readonly parent: string | undefined
  readonly attributes: Map<string, unknown>
  readonly events: Array<{ readonly name: string; readonly attributes?: Record<string, unknown> | undefined }>
  exit?: unknown
}

/** Records every span and log line of the effects it is provided to. */
export const make = () => {
  const spans: Array<RecordedSpan> = []
  const logs: Array<string> = []
  let counter = 0
  const tracer = Tracer.make({
    span(name, parent, context, links, startTime, kind) {
      const id = String(++counter)
      const record: RecordedSpan = {
        id,
        name,
        parent: Option.match(parent, { onNone: () => undefined, onSome: (p) => p.spanId }),
        attributes: new Map(),
        events: []
      }
      spans.push(record)
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: id,
        traceId: "trace",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes: record.attributes,
        links,
        sampled: true,
        kind,
        end(_endTime, exit) {
          // What an exporter keeps of the outcome (as @effect/opentelemetry does): the status, and a
          // failure's rendering. Never the success value, which holds the request and its headers.
          record.exit = Exit.isSuccess(exit) ? "Success" : Cause.pretty(exit.cause)
        },
        attribute(key, value) {
          record.attributes.set(key, value)
        },
        event(eventName, _time, attributes) {
          record.events.push({ name: eventName, attributes })
        },
        addLinks() {}
      }
      return span
    },
    context: (f) => f()
  })
  const logger = Logger.make(({ annotations, cause, logLevel, message, spans: logSpans }) => {
    logs.push(
      [
        logLevel.label,
        Inspectable.toStringUnknown(message),
        inspect(annotations, { depth: 10 }),
        Cause.isEmpty(cause) ? "" : Cause.pretty(cause),
        inspect(logSpans)
      ].join(" ")
    )
  })
  const layer = Layer.mergeAll(
    Layer.setTracer(tracer),
    Logger.replace(Logger.defaultLogger, logger),
    Logger.minimumLogLevel(LogLevel.All)
  )
  /** Everything recorded, as text: names, attributes, events, exits, log lines. */
  const dump = () =>
    [
      ...spans.map((s) => inspect({ name: s.name, attributes: Object.fromEntries(s.attributes), events: s.events, exit: s.exit }, { depth: 10 })),
      ...logs
    ].join("\n")
  return { spans, logs, layer, dump, run: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provide(effect, layer) }
}
