// Slow clients: a connection that drips its headers or its body is cut at --headers-timeout or
// --request-timeout, so slow-drip connections cannot pile up.
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './testing/harness'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer({ headersTimeoutMs: 1000, requestTimeoutMs: 2000 })
})
afterAll(() => server.dispose())

/** A raw connection that sends `start` at once, then `drip` every 200 ms until closed. */
function slowClient(start: string, drip: string) {
  const socket = net.connect({ host: '127.0.0.1', port: server.port })
  const openedAt = Date.now()
  let answer = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => (answer += chunk))
  socket.on('error', () => {})
  socket.write(start)
  const timer = setInterval(() => socket.write(drip), 200)
  const closed = new Promise<{ afterMs: number; answer: string }>((resolve) =>
    socket.once('close', () => {
      clearInterval(timer)
      resolve({ afterMs: Date.now() - openedAt, answer })
    }),
  )
  return { socket, closed }
}

/** Resolves with every connection's end, or rejects once `ms` pass with some still open. */
function allClosedWithin<T>(closing: Promise<T>[], ms: number): Promise<T[]> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`connections still open after ${ms} ms`)), ms)
  })
  return Promise.race([Promise.all(closing), deadline]).finally(() => clearTimeout(timer))
}

describe('slow clients', () => {
  it('cuts 40 connections that drip their headers at the headers timeout', async () => {
    const clients = Array.from({ length: 40 }, (_, i) =>
      slowClient(`GET /healthz HTTP/1.1\r\nHost: x\r\n`, `X-Drip-${i}: 1\r\n`),
    )
    const ends = await allClosedWithin(
      clients.map((c) => c.closed),
      5000,
    )
    for (const end of ends) {
      expect(end.afterMs).toBeLessThan(4000)
      expect(end.answer).toMatch(/^HTTP\/1\.1 408/)
    }
    // The server still answers everyone else.
    expect((await server.api.request('GET', '/healthz')).status).toBe(200)
  })

  it('cuts a connection that drips its body at the request timeout', async () => {
    const client = slowClient(
      'POST /v1/auth/challenge HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Length: 1000\r\n\r\n{',
      ' ',
    )
    const [end] = await allClosedWithin([client.closed], 6000)
    expect(end!.afterMs).toBeGreaterThanOrEqual(1500)
    expect(end!.afterMs).toBeLessThan(5000)
  })
})
