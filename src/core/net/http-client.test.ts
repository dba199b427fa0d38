// The client's error mapping and answer checking, against servers that are down, silent or
// hostile. Behaviour against the real store is in http-client.integration.test.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiError, InvalidRequestError, ProtocolError, ServerUnreachableError } from './errors'
import { StoreClient } from './http-client'
import { randomB64 } from './test-fixtures'

type Handler = (req: IncomingMessage, res: ServerResponse) => void

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections()
      return new Promise((resolve) => s.close(resolve))
    }),
  )
})

/** A server on 127.0.0.1 that answers every request with `handler`; counts the requests. */
async function serve(handler: Handler) {
  const seen: { method: string; url: string; auth: string | undefined; body: string }[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        auth: req.headers.authorization,
        body,
      })
      handler(req, res)
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, seen }
}

const json =
  (status: number, body: unknown): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(typeof body === 'string' ? body : JSON.stringify(body))
  }

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

const handle = randomB64(32)
const streamId = randomB64(16)
const validSalt = { salt: randomB64(16), kdf: { alg: 'argon2id13', opsLimit: 3, memLimit: 65536 } }

describe('StoreClient: unreachable servers', () => {
  it('reports a refused connection as ServerUnreachableError, not as an API error', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`
    const error = await new StoreClient({ baseUrl: url }).getSalt(handle).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ServerUnreachableError)
    expect(error).not.toBeInstanceOf(ApiError)
    expect((error as ServerUnreachableError).reason).toBe('refused')
  })

  it('reports a server that never answers as unreachable (timeout)', async () => {
    const { url } = await serve(() => {}) // accepts, reads, never responds
    const client = new StoreClient({ baseUrl: url, timeoutMs: 200 })
    const error = await client.getSalt(handle).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ServerUnreachableError)
    expect((error as ServerUnreachableError).reason).toBe('timeout')
  })

  it('reports a connection dropped mid-answer as unreachable', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' })
      res.write('{"salt":')
      res.socket?.destroy()
    })
    const error = await new StoreClient({ baseUrl: url }).getSalt(handle).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ServerUnreachableError)
  })
})

describe('StoreClient: refusals', () => {
  it('maps a protocol error body to ApiError with its code, status and current version', async () => {
    const { url } = await serve(
      json(409, { error: 'version_conflict', message: 'stale', currentVersion: 7 }),
    )
    const client = new StoreClient({ baseUrl: url, token: randomB64(32) })
    const error = await client.getEnclave(randomB64(16)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'version_conflict', status: 409, currentVersion: 7 })
  })

  it('gives a proxy’s bare 503 the code "unavailable"', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/html' })
      res.end('<html>Service Unavailable</html>')
    })
    const error = await new StoreClient({ baseUrl: url }).health().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'unavailable', status: 503 })
  })

  it('carries the wait a refusal asks for (Retry-After), and none for a header it cannot read', async () => {
    const refuse =
      (status: number, retryAfter: string): Handler =>
      (_req, res) => {
        res.writeHead(status, { 'content-type': 'text/plain', 'retry-after': retryAfter })
        res.end('busy')
      }
    const waitOf = async (handler: Handler) => {
      const { url } = await serve(handler)
      const error = await new StoreClient({ baseUrl: url }).health().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ApiError)
      return (error as ApiError).retryAfterMs
    }
    expect(await waitOf(refuse(429, '7'))).toBe(7000)
    expect(await waitOf(refuse(503, '2'))).toBe(2000)
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString()
    expect(await waitOf(refuse(429, inTwoMinutes))).toBeGreaterThan(110_000)
    expect(await waitOf(refuse(429, 'later'))).toBeUndefined()
    expect(await waitOf(refuse(429, '-1'))).toBeUndefined()
  })

  it('treats an error body with an unknown code and an odd status as a protocol error', async () => {
    const { url } = await serve(json(418, { error: 'teapot', message: 'short and stout' }))
    const error = await new StoreClient({ baseUrl: url }).getSalt(handle).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProtocolError)
    expect(error).toMatchObject({ code: 'bad_response', status: 418 })
  })

  it('refuses an authenticated call without a token before sending anything', async () => {
    const { url, seen } = await serve(json(200, { ok: true }))
    const error = await new StoreClient({ baseUrl: url }).logout().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'unauthorized' })
    expect(seen).toHaveLength(0)
  })
})

describe('StoreClient: hostile answers are never passed on', () => {
  it('rejects a success body that breaks the schema', async () => {
    const { url } = await serve(json(200, { ...validSalt, salt: 'not*base64' }))
    const error = await new StoreClient({ baseUrl: url }).getSalt(handle).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProtocolError)
    expect((error as ProtocolError).problems.join()).toContain('/salt')
  })

  it('rejects extra fields smuggled into an answer', async () => {
    const { url } = await serve(json(200, { ...validSalt, injected: true }))
    const error = await new StoreClient({ baseUrl: url }).getSalt(handle).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProtocolError)
  })

  it('rejects an answer that is not JSON', async () => {
    const { url } = await serve(json(200, '<html>hello</html>'))
    const error = await new StoreClient({ baseUrl: url }).getSalt(handle).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProtocolError)
  })

  it('stops reading an answer larger than the limit', async () => {
    const { url } = await serve(json(200, { ...validSalt, pad: 'x'.repeat(10_000) }))
    const client = new StoreClient({ baseUrl: url, maxResponseBytes: 1000 })
    const error = await client.getSalt(handle).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProtocolError)
    expect((error as Error).message).toContain('exceeds')
  })

  it('rejects an enclave answered for another id', async () => {
    const other = {
      id: randomB64(16),
      kind: 'identity',
      version: 1,
      ownerKey: randomB64(32),
      body: randomB64(20),
      signature: randomB64(64),
      expiresAt: null,
      updatedAt: 1,
    }
    const { url } = await serve(json(200, other))
    const client = new StoreClient({ baseUrl: url, token: randomB64(32) })
    const error = await client.getEnclave(randomB64(16)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProtocolError)
  })

  const shard = (seq: number, stream = streamId) => ({
    id: randomB64(16),
    stream,
    seq,
    body: randomB64(20),
    burnAt: null,
    receivedAt: 1,
    signature: null,
  })
  const fetchRequest = {
    after: 5,
    limit: 10,
    proof: { keyVersion: 1, at: 1, signature: randomB64(64) },
  }

  it.each([
    ['a shard of another stream', [shard(6, randomB64(16))]],
    ['a shard at or before the cursor', [shard(5)]],
    ['shards out of order', [shard(8), shard(7)]],
    ['the same seq twice', [shard(6), shard(6)]],
  ])('rejects a fetch page holding %s', async (_what, shards) => {
    const { url } = await serve(json(200, { shards, more: false, headSeq: 99 }))
    const client = new StoreClient({ baseUrl: url, token: randomB64(32) })
    await expect(client.fetchShards(streamId, fetchRequest)).rejects.toBeInstanceOf(ProtocolError)
  })

  it('rejects a fetch page longer than the limit asked for', async () => {
    const shards = Array.from({ length: 3 }, (_, i) => shard(6 + i))
    const { url } = await serve(json(200, { shards, more: true, headSeq: 99 }))
    const client = new StoreClient({ baseUrl: url, token: randomB64(32) })
    const request = { ...fetchRequest, limit: 2 }
    await expect(client.fetchShards(streamId, request)).rejects.toBeInstanceOf(ProtocolError)
  })

  it('accepts a well-formed fetch page', async () => {
    const shards = [shard(6), shard(9)]
    const { url } = await serve(json(200, { shards, more: false, headSeq: 9 }))
    const client = new StoreClient({ baseUrl: url, token: randomB64(32) })
    const page = await client.fetchShards(streamId, fetchRequest)
    expect(page.shards.map((s) => s.seq)).toEqual([6, 9])
  })
})

describe('StoreClient: bad input from the caller', () => {
  it('refuses a malformed request locally and sends nothing', async () => {
    const { url, seen } = await serve(json(200, validSalt))
    const client = new StoreClient({ baseUrl: url, token: randomB64(32) })
    await expect(client.getSalt('short')).rejects.toBeInstanceOf(InvalidRequestError)
    await expect(client.getEnclave('../accounts/me')).rejects.toBeInstanceOf(InvalidRequestError)
    await expect(client.fetchShards(streamId, { ...fetchRequestWith(-1) })).rejects.toBeInstanceOf(
      InvalidRequestError,
    )
    expect(seen).toHaveLength(0)
  })

  it('refuses a base URL that is not http(s)', () => {
    expect(() => new StoreClient({ baseUrl: 'ftp://127.0.0.1' })).toThrow(InvalidRequestError)
    expect(() => new StoreClient({ baseUrl: 'nonsense' })).toThrow(InvalidRequestError)
  })

  it('refuses plain http:// to a backend on another machine, before sending anything', () => {
    expect(() => new StoreClient({ baseUrl: 'http://chat.example.org' })).toThrow(
      /must use https:\/\/ for a backend on another machine/,
    )
    expect(() => new StoreClient({ baseUrl: 'http://10.0.0.5:8443' })).toThrow(InvalidRequestError)
    expect(() => new StoreClient({ baseUrl: 'https://chat.example.org' })).not.toThrow()
    expect(() => new StoreClient({ baseUrl: 'http://localhost:8443' })).not.toThrow()
  })

  it('keeps a path prefix of the base URL and sends the bearer token', async () => {
    const { url, seen } = await serve(json(200, { ok: true }))
    const token = randomB64(32)
    const client = new StoreClient({ baseUrl: `${url}/paracord/`, token })
    await client.logout()
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/paracord/v1/auth/logout',
      auth: `Bearer ${token}`,
    })
    expect(client.token).toBeNull()
  })
})

function fetchRequestWith(after: number) {
  return { after, limit: 10, proof: { keyVersion: 1, at: 1, signature: randomB64(64) } }
}
