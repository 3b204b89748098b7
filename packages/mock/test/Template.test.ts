/**
 * The custom-webhook body template: placeholders, missing paths, braces that are not ours, JSON
 * templates, the output bound, and hostile templates (rendered in one pass, without error).
 */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import * as Template from "../src/internal/Template.js"

const event = { event: "Workflow Completed", instance_id: "abc", status: "COMPLETED", nested: { list: [1, { deep: "x" }], n: 3, flag: false, nothing: null } }
const scope: Template.Scope = { event, workflow_response: { ok: true, id: 7 } }
const limit = 64 * 1024

const text = (template: string, s: Template.Scope = scope) => Either.getOrThrow(Template.renderText(template, s, limit))
const body = (template: unknown, s: Template.Scope = scope) => Either.getOrThrow(Template.render(template, s, limit))

describe("Template.renderText", () => {
  it("puts strings in as they are and other values as JSON", () => {
    expect(text("run {{event.instance_id}} is {{ event.status }}")).toBe("run abc is COMPLETED")
    expect(text("n={{event.nested.n}} f={{event.nested.flag}} z={{event.nested.nothing}}")).toBe("n=3 f=false z=null")
    expect(text("obj={{event.nested.list}}")).toBe('obj=[1,{"deep":"x"}]')
    expect(text("{{event.nested.list.1.deep}}!")).toBe("x!")
    expect(text('{"e": {{event}}, "r": {{workflow_response.id}}}')).toBe(`{"e": ${JSON.stringify(event)}, "r": 7}`)
  })

  it("renders a path that leads nowhere as nothing, and keeps braces that are not ours", () => {
    expect(text("[{{event.missing}}][{{event.instance_id.length}}][{{event.constructor}}][{{event.__proto__}}][{{event..status}}]")).toBe("[][][][][]")
    expect(text("[{{workflow_response}}]", { event })).toBe("[]")
    expect(text("{{name}} {{ other.thing }} {{}} {{event")).toBe("{{name}} {{ other.thing }} {{}} {{event")
    expect(text("{{{event.instance_id}}}")).toBe("{abc}")
    expect(text("}} {{ {{event.status}}")).toBe("}} {{ COMPLETED")
  })

  it("stops past its limit and says so", () => {
    expect(Template.renderText("{{event}}".repeat(100), scope, 1000)).toEqual(Either.left("rendered body longer than 1000 characters"))
    expect(Template.renderText("x".repeat(1001), scope, 1000)).toEqual(Either.left("rendered body longer than 1000 characters"))
    expect(Template.renderText("x".repeat(1000), scope, 1000)).toEqual(Either.right("x".repeat(1000)))
  })

  it("renders hostile templates in one pass, without error", () => {
    const size = 64 * 1024
    const hostile = [
      "{{".repeat(size / 2),
      "}}".repeat(size / 2),
      "{".repeat(size),
      "{{{{".repeat(size / 8) + "}}".repeat(size / 4),
      `{{event${".a".repeat(size / 2 - 10)}}}`,
      `{{event${".nested".repeat(size / 7 - 10)}}}`,
      "{{event.x}}".repeat(size / 11),
      "{{ ".repeat(size / 3) + "}}"
    ]
    for (const template of hostile) {
      const rendered = Template.renderText(template, scope, 1024 * 1024)
      expect(Either.isRight(rendered)).toBe(true)
      expect(Either.isRight(Template.render(template, scope, 1024 * 1024))).toBe(true)
    }
  })
})

describe("Template.render", () => {
  it("renders a template that is one placeholder as its value's JSON", () => {
    expect(body("{{event}}")).toBe(JSON.stringify(event))
    expect(body("{{event.instance_id}}")).toBe('"abc"')
    expect(body("{{workflow_response}}")).toBe('{"ok":true,"id":7}')
    expect(body("{{event.missing}}")).toBe("")
    expect(body("{{unknown}}")).toBe("{{unknown}}")
    expect(body("id: {{event.instance_id}}")).toBe("id: abc")
  })

  it("renders a JSON template string by string, a sole placeholder as the value itself", () => {
    const template = { id: "{{event.instance_id}}", all: "{{event}}", text: "run {{event.instance_id}}: {{event.nested.n}}", list: ["{{event.nested.n}}", 1, true, null], gone: "{{event.missing}}", __proto__: "x" }
    expect(JSON.parse(body(template))).toEqual({ id: "abc", all: event, text: "run abc: 3", list: [3, 1, true, null], gone: null })
    expect(JSON.parse(body(JSON.parse('{"__proto__": "{{event.status}}"}')))).toEqual(JSON.parse('{"__proto__": "COMPLETED"}'))
    expect(body(42)).toBe("42")
    expect(body(null)).toBe("null")
  })

  it("bounds a JSON template that repeats a large value", () => {
    const big: Template.Scope = { event, workflow_response: "y".repeat(10_000) }
    expect(Template.render(Array(10).fill("{{workflow_response}}"), big, 50_000)).toEqual(Either.left("rendered body longer than 50000 characters"))
    expect(Template.render(Array(10).fill("r={{workflow_response}}"), big, 50_000)).toEqual(Either.left("rendered body longer than 50000 characters"))
    expect(Either.isRight(Template.render(Array(4).fill("{{workflow_response}}"), big, 50_000))).toBe(true)
  })
})
