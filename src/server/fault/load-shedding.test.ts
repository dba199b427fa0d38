// A flood from one session is rate-limited (429, the JSON refusal) while another session's
// requests keep succeeding: one noisy client cannot take the server from the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/harness'
import type { SignedIn, TestStream } from '../testing/api'

const LIMIT = 120

let server: TestServer
let flooder: SignedIn
let neighbour: SignedIn
let stream: TestStream
beforeAll(async () => {
  server = await startTestServer({ rateLimitPerMinute: LIMIT })
  flooder = await server.api.signUp()
  neighbour = await server.api.signUp()
  stream = await server.api.createStream(neighbour.token)
})
afterAll(() => server.dispose())

describe('load shedding', () => {
  it("limits a flooding session while another session's posts and reads keep succeeding", async () => {
    const { api } = server
    const flood = Array.from({ length: 600 }, () => api.streamInfo(flooder, stream))
    const neighbourStatuses: number[] = []
    for (let i = 0; i < 20; i++) {
      const post = await api.post(neighbour.token, stream, api.shardRequest(stream))
      const read = await api.fetch(neighbour, stream)
      neighbourStatuses.push(post.status, read.status)
    }
    const flooded = await Promise.all(flood)

    expect(neighbourStatuses.every((status) => status === 201 || status === 200)).toBe(true)
    const statuses = flooded.map((reply) => reply.status)
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(LIMIT)
    const refused = flooded.filter((reply) => reply.status === 429)
    expect(refused.length).toBeGreaterThanOrEqual(600 - LIMIT)
    expect(refused[0]?.body).toMatchObject({ error: 'rate_limited' })
    expect(await api.fetch(neighbour, stream)).toMatchObject({ status: 200 })
  })
})
