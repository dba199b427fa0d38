// Hostile input, generated: malformed requests against every route the server's own
// /openapi.json lists, and malformed WebSocket frames. The properties: never a 5xx (503 only
// where the protocol names it), never a crash or a hang, every refusal the one JSON error
// shape, every WebSocket answer a JSON frame or a documented close code.
import fc from 'fast-check'
import WebSocket from 'ws'
import { CLOSE_CODES } from '../../shared/protocol'
import { StoreTestClient, type SignedIn } from '../testing/api'

interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  enum?: unknown[]
  const?: unknown
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  items?: JsonSchema
  minItems?: number
  maxItems?: number
}

export interface FuzzRoute {
  readonly method: string
  /** OpenAPI form: /v1/streams/{id}. */
  readonly path: string
  readonly pathParams: readonly { name: string; schema: JsonSchema }[]
  readonly queryParams: readonly { name: string; schema: JsonSchema }[]
  readonly body: JsonSchema | null
}

/** Every operation in the server's OpenAPI document. */
export async function loadRoutes(baseUrl: string): Promise<FuzzRoute[]> {
  const doc = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { parameters?: unknown[]; requestBody?: unknown }>>
  }
  const routes: FuzzRoute[] = []
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const parameters = (operation.parameters ?? []) as {
        in: string
        name: string
        schema: JsonSchema
      }[]
      const body = (
        operation.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined
      )?.content?.['application/json']?.schema
      routes.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path'),
        queryParams: parameters.filter((p) => p.in === 'query'),
        body: body ?? null,
      })
    }
  }
  return routes
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** Values that mostly satisfy `schema` (so requests get past validation to the deeper rules). */
export function conforming(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const options = schema.anyOf ?? schema.oneOf
  if (options) return fc.oneof(...options.map((option) => conforming(option, depth + 1)))
  if (schema.enum) return fc.constantFrom(...schema.enum)
  if (schema.const !== undefined) return fc.constant(schema.const)
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'string': {
      const min = schema.minLength ?? 0
      const max = Math.min(schema.maxLength ?? min + 64, min + 96)
      const chars = schema.pattern?.includes('A-Za-z0-9_-')
        ? fc.constantFrom(...BASE64URL)
        : fc.string({ maxLength: 1 })
      return fc.array(chars, { minLength: min, maxLength: max }).map((c) => c.join(''))
    }
    case 'integer': {
      const min = schema.minimum ?? -1e6
      const max = schema.maximum ?? Math.max(min + 1e6, Date.now() + 86_400_000)
      return fc.oneof(
        fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) }),
        fc.constantFrom(min, max, Date.now() + 60_000, Date.now() - 60_000),
      )
    }
    case 'number':
      return fc.double({ noNaN: true })
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'array':
      return fc.array(schema.items ? conforming(schema.items, depth + 1) : fc.jsonValue(), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      })
    case 'object': {
      const entries = Object.entries(schema.properties ?? {})
      if (depth > 6 || entries.length === 0) return fc.constant({})
      return fc.record(
        Object.fromEntries(entries.map(([key, value]) => [key, conforming(value, depth + 1)])),
      )
    }
    default:
      return fc.jsonValue()
  }
}

/** A value of `schema`, or one broken in one of the ways clients (and attackers) break them. */
export function malformed(
  schema: JsonSchema | null,
): fc.Arbitrary<{ raw: string } | { json: unknown }> {
  const valid = schema ? conforming(schema) : fc.constant({})
  const mutate = valid.chain((value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return fc.constant(value)
    const keys = Object.keys(value)
    return fc.oneof(
      fc.constant(value),
      // a field missing
      keys.length === 0
        ? fc.constant(value)
        : fc.constantFrom(...keys).map((key) => {
            const copy: Record<string, unknown> = { ...value }
            delete copy[key]
            return copy
          }),
      // an unknown field
      fc.tuple(fc.string(), fc.jsonValue()).map(([key, extra]) => ({ ...value, [key]: extra })),
      // a field of the wrong type or size
      keys.length === 0
        ? fc.constant(value)
        : fc
            .tuple(
              fc.constantFrom(...keys),
              fc.oneof(
                fc.jsonValue(),
                fc.constantFrom(-1, 2 ** 53, 1e308, '', 'x'.repeat(70_000), '====', '\u0000'),
              ),
            )
            .map(([key, bad]) => ({ ...value, [key]: bad })),
    )
  })
  return fc.oneof(
    { weight: 6, arbitrary: mutate.map((json) => ({ json })) },
    { weight: 2, arbitrary: fc.jsonValue().map((json) => ({ json })) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.string(),
          fc.constantFrom('{', '{"a":', '[1,2', 'null', '"\\ud800"', '{"__proto__":{"x":1}}'),
          fc.string({ unit: 'binary', maxLength: 200 }),
        )
        .map((raw) => ({ raw })),
    },
  )
}

export interface FuzzFailure {
  readonly what: string
  readonly detail: unknown
}

const isErrorBody = (body: unknown): boolean =>
  typeof body === 'object' &&
  body !== null &&
  typeof (body as { error?: unknown }).error === 'string' &&
  typeof (body as { message?: unknown }).message === 'string'

/** The routes where a 503 is the documented answer (no TURN secret configured). */
const MAY_BE_UNAVAILABLE = new Set(['GET /v1/turn', 'GET /healthz'])

export interface HttpFuzzOptions {
  readonly baseUrl: string
  readonly runs: number
  readonly seed?: number
  /** Each request must answer within this (ms): a hang is a failure. */
  readonly timeoutMs?: number
}

/** Throws (with fast-check's counterexample) on the first request that breaks a property. */
export async function fuzzHttp(options: HttpFuzzOptions): Promise<{ cases: number }> {
  const api = new StoreTestClient(options.baseUrl)
  const routes = (await loadRoutes(options.baseUrl)).filter((route) => route.path !== '/v1/ws')
  let member: SignedIn = await api.signUp()
  const tokens = fc.constantFrom<'member' | 'none' | 'garbage'>('member', 'none', 'garbage')
  const request = fc.constantFrom(...routes).chain((route) =>
    fc.record({
      route: fc.constant(route),
      params: fc.tuple(
        ...route.pathParams.map((p) =>
          fc.oneof(conforming(p.schema), fc.string(), fc.constantFrom('..', '%00', 'a/b')),
        ),
      ),
      query: fc.tuple(...route.queryParams.map((p) => fc.option(conforming(p.schema)))),
      body: route.body ? fc.option(malformed(route.body), { freq: 8 }) : fc.constant(null),
      token: tokens,
    }),
  )
  let cases = 0
  await fc.assert(
    fc.asyncProperty(request, async ({ route, params, query, body, token }) => {
      cases += 1
      let path = route.path
      route.pathParams.forEach((p, index) => {
        path = path.replace(`{${p.name}}`, encodeURIComponent(String(params[index])))
      })
      const search = new URLSearchParams()
      route.queryParams.forEach((p, index) => {
        const value = query[index]
        if (value !== null)
          search.set(p.name, typeof value === 'string' ? value : JSON.stringify(value))
      })
      const url = `${options.baseUrl}${path}${search.size > 0 ? `?${search.toString()}` : ''}`
      // Logging out would end the session the other cases use: log out a fresh one instead.
      if (route.path === '/v1/auth/logout' && token === 'member') member = await api.signUp()
      const headers: Record<string, string> = {}
      if (token === 'member') headers.authorization = `Bearer ${member.token}`
      if (token === 'garbage') headers.authorization = 'Bearer ???not-a-token'
      let payload: string | undefined
      if (body) {
        headers['content-type'] = 'application/json'
        payload = 'raw' in body ? body.raw : JSON.stringify(body.json)
      }
      const response = await fetch(url, {
        method: route.method,
        headers,
        body: payload,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      })
      const text = await response.text()
      const label = `${route.method} ${route.path}`
      if (response.status >= 500 && !(response.status === 503 && MAY_BE_UNAVAILABLE.has(label)))
        throw new Error(`${label} answered ${response.status}: ${text}`)
      if (response.status >= 400) {
        let parsed: unknown
        try {
          parsed = JSON.parse(text)
        } catch {
          throw new Error(`${label} refused with a non-JSON body: ${text.slice(0, 200)}`)
        }
        if (!isErrorBody(parsed))
          throw new Error(`${label} refused without {error, message}: ${text}`)
      }
    }),
    { numRuns: options.runs, seed: options.seed, endOnFailure: true },
  )
  return { cases }
}

const ALLOWED_CLOSE_CODES = new Set<number>(Object.values(CLOSE_CODES))

/** A frame a client might send, or a broken one. */
function frameArbitrary(token: string, stream: string): fc.Arbitrary<string | Buffer> {
  const subscription = fc.record({
    stream: fc.oneof(fc.constant(stream), fc.string()),
    after: fc.oneof(fc.nat(), fc.integer(), fc.jsonValue()),
    proof: fc.oneof(
      fc.record({ keyVersion: fc.integer(), at: fc.integer(), signature: fc.string() }),
      fc.jsonValue(),
    ),
  })
  const frames = fc.oneof(
    fc.record({ type: fc.constant('auth'), token: fc.oneof(fc.constant(token), fc.string()) }),
    fc.record({
      type: fc.constant('subscribe'),
      streams: fc.oneof(fc.array(subscription, { maxLength: 3 }), fc.jsonValue()),
    }),
    fc.record({ type: fc.constant('unsubscribe'), streams: fc.jsonValue() }),
    fc.record({ type: fc.constant('ping'), n: fc.jsonValue() }),
    fc.dictionary(fc.string(), fc.jsonValue()),
  )
  return fc.oneof(
    { weight: 5, arbitrary: frames.map((frame) => JSON.stringify(frame)) },
    { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
  )
}

export interface WsFuzzOptions {
  readonly baseUrl: string
  readonly runs: number
  readonly seed?: number
}

/** Each case: a socket, optionally authenticated, a few fuzzed frames, then a ping. */
export async function fuzzWebSocket(options: WsFuzzOptions): Promise<{ cases: number }> {
  const api = new StoreTestClient(options.baseUrl)
  const member = await api.signUp()
  const stream = await api.createStream(member.token)
  const wsUrl = `${options.baseUrl.replace(/^http/, 'ws')}/v1/ws`
  let cases = 0
  await fc.assert(
    fc.asyncProperty(
      fc.boolean(),
      fc.array(frameArbitrary(member.token, stream.id), { minLength: 1, maxLength: 5 }),
      async (authFirst, frames) => {
        cases += 1
        const socket = new WebSocket(wsUrl)
        const received: string[] = []
        const outcome = new Promise<{ closed: number | null }>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no pong and no close in time')), 10_000)
          socket.on('message', (data) => {
            // ws hands a message over as one Buffer (binaryType nodebuffer, the default).
            const text = (data as Buffer).toString()
            received.push(text)
            if (text.includes('"pong"') && text.includes('"n":424242')) {
              clearTimeout(timer)
              resolve({ closed: null })
            }
          })
          socket.on('close', (code) => {
            clearTimeout(timer)
            resolve({ closed: code })
          })
          socket.on('error', () => undefined)
        })
        await new Promise<void>((resolve, reject) => {
          socket.once('open', () => resolve())
          socket.once('error', reject)
        })
        if (authFirst) socket.send(JSON.stringify({ type: 'auth', token: member.token }))
        for (const frame of frames) socket.send(frame)
        if (socket.readyState === WebSocket.OPEN)
          socket.send(JSON.stringify({ type: 'ping', n: 424242 }))
        const { closed } = await outcome
        if (socket.readyState !== WebSocket.CLOSED) socket.terminate()
        for (const text of received) {
          const frame = JSON.parse(text) as { type?: unknown }
          if (typeof frame.type !== 'string') throw new Error(`a frame without a type: ${text}`)
        }
        if (closed !== null && !ALLOWED_CLOSE_CODES.has(closed))
          throw new Error(`closed with ${closed}, not a documented code`)
        // Still alive.
        const health = await fetch(`${options.baseUrl}/healthz`)
        if (health.status !== 200) throw new Error(`healthz answered ${health.status} after a case`)
      },
    ),
    { numRuns: options.runs, seed: options.seed, endOnFailure: true },
  )
  return { cases }
}
