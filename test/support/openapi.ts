// Validates what the action sends against GitHub's published OpenAPI description, so the
// loopback stand-in accepts only requests the real API would.
import { createRequire } from 'node:module'
import { Ajv } from 'ajv'

type Json = Record<string, unknown>

const require = createRequire(import.meta.url)
let spec: Json | undefined
const ajv = new Ajv({ strict: false, allErrors: true, logger: false })

function load(): Json {
  spec ??= require('@octokit/openapi/generated/api.github.com.json') as Json
  return spec
}

/** Replaces every local $ref with what it points at (the schemas here are not recursive). */
function deref(node: unknown, depth = 0): unknown {
  if (depth > 40) throw new Error('$ref nesting too deep')
  if (Array.isArray(node)) return node.map((item) => deref(item, depth + 1))
  if (node && typeof node === 'object') {
    const ref = (node as Json).$ref
    if (typeof ref === 'string') {
      const target = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((at, key) => (at as Json)[key], load())
      return deref(target, depth + 1)
    }
    // OpenAPI 3.0's nullable means something only beside a type; ajv refuses it alone.
    const entries = Object.entries(node).filter(([key]) => key !== 'nullable' || 'type' in (node as Json))
    return Object.fromEntries(entries.map(([key, value]) => [key, deref(value, depth + 1)]))
  }
  return node
}

interface Operation {
  template: string
  params: Record<string, string>
  operation: Json
}

function findOperation(method: string, path: string): Operation | undefined {
  const paths = load().paths as Record<string, Json>
  for (const [template, item] of Object.entries(paths)) {
    const names: string[] = []
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
      names.push(name)
      return '([^/]+)'
    })
    const match = new RegExp(`^${pattern}$`).exec(path)
    const operation = item[method.toLowerCase()] as Json | undefined
    if (match && operation) {
      const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] as string)]))
      return { template, params, operation }
    }
  }
  return undefined
}

/** Problems with a request, in words; empty when it conforms. */
export function validateRequest(method: string, path: string, body: unknown): string[] {
  const found = findOperation(method, path)
  if (!found) return [`${method} ${path} is not an operation of GitHub's REST API`]
  const problems: string[] = []
  const parameters = (deref(found.operation.parameters ?? []) as Json[]).filter((p) => p.in === 'path')
  for (const parameter of parameters) {
    const value = found.params[parameter.name as string]
    if (parameter.required && !value) problems.push(`path parameter ${parameter.name} is missing`)
  }
  const requestBody = deref(found.operation.requestBody) as Json | undefined
  if (requestBody) {
    const schema = (requestBody.content as Record<string, Json>)['application/json']?.schema as Json
    if (!ajv.validate(schema, body)) problems.push(`body: ${ajv.errorsText()}`)
    const known = Object.keys((schema.properties as Json | undefined) ?? {})
    const extra = Object.keys((body as Json | null) ?? {}).filter((key) => !known.includes(key))
    if (extra.length > 0) problems.push(`body has properties the API does not define: ${extra.join(', ')}`)
  } else if (body !== undefined) {
    problems.push('a body was sent to an operation that takes none')
  }
  return problems
}

/** Problems with a response the stand-in is about to send, against the operation's schema. */
export function validateResponse(method: string, path: string, status: number, body: unknown): string[] {
  const found = findOperation(method, path)
  if (!found) return [`${method} ${path} is not an operation`]
  const responses = found.operation.responses as Record<string, unknown>
  if (status >= 400 && !(String(status) in responses)) {
    // Errors every operation can give have GitHub's basic-error shape.
    const schema = deref({ $ref: '#/components/schemas/basic-error' })
    return ajv.validate(schema as Json, body) ? [] : [`error response: ${ajv.errorsText()}`]
  }
  if (!(String(status) in responses)) return [`status ${status} is not documented for ${found.template}`]
  const response = deref(responses[String(status)]) as Json
  const schema = (response.content as Record<string, Json> | undefined)?.['application/json']?.schema
  if (schema && !ajv.validate(schema, body)) return [`response: ${ajv.errorsText()}`]
  return []
}

/** The example GitHub publishes for an operation's response, with its $refs resolved. */
export function exampleResponse(method: string, path: string, status: number): Json {
  const found = findOperation(method, path)
  if (!found) throw new Error(`${method} ${path} is not an operation`)
  const response = deref((found.operation.responses as Record<string, unknown>)[String(status)]) as Json
  const examples = (response.content as Record<string, Json>)['application/json']?.examples as Record<
    string,
    { value: Json }
  >
  const first = Object.values(examples)[0]
  if (!first) throw new Error(`no example for ${method} ${path} ${status}`)
  return structuredClone(first.value)
}
