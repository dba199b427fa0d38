// The short fuzz run (`npm run bench` runs 10,000+ cases): a few hundred malformed requests
// across every route in /openapi.json and a hundred malformed WebSocket sessions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/harness'
import { fuzzHttp, fuzzWebSocket, loadRoutes } from './fuzz'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer({ rateLimitPerMinute: 1_000_000 })
})
afterAll(() => server.dispose())

describe('fuzzing', () => {
  it('covers every route of the OpenAPI document', async () => {
    const routes = await loadRoutes(server.url)
    expect(routes.map((route) => `${route.method} ${route.path}`)).toEqual(
      expect.arrayContaining([
        'POST /v1/streams/{id}/shards',
        'PUT /v1/enclaves/{id}',
        'GET /v1/turn',
      ]),
    )
    expect(routes.length).toBeGreaterThanOrEqual(18)
  })

  it('answers malformed HTTP requests with JSON refusals, never a 5xx', async () => {
    const { cases } = await fuzzHttp({ baseUrl: server.url, runs: 400 })
    expect(cases).toBeGreaterThanOrEqual(400)
  })

  it('survives malformed WebSocket frames with error frames or documented close codes', async () => {
    const { cases } = await fuzzWebSocket({ baseUrl: server.url, runs: 100 })
    expect(cases).toBeGreaterThanOrEqual(100)
  })
})
