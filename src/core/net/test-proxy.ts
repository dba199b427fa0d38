// Relays on 127.0.0.1 between the client and the real server: one at the TCP level, so tests
// can cut live connections abruptly or freeze them into silence, as a dying network does; one
// at the HTTP level, so they can have requests refused as a busy server refuses them.
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
} from 'node:http'
import { createServer, connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

export interface FlakyNetworkProxy {
  readonly url: string
  /** Destroys every relayed connection now; new ones are relayed normally. */
  dropAll(): void
  /** Stops relaying bytes on every current connection, leaving them open and silent. */
  freezeAll(): void
  /** Connections relayed so far. */
  readonly accepted: number
  close(): Promise<void>
}

export async function startFlakyNetworkProxy(targetPort: number): Promise<FlakyNetworkProxy> {
  const pairs = new Set<[Socket, Socket]>()
  const frozen = new Set<[Socket, Socket]>()
  let accepted = 0
  const server = createServer((client) => {
    accepted++
    const upstream = connect(targetPort, '127.0.0.1')
    const pair: [Socket, Socket] = [client, upstream]
    pairs.add(pair)
    client.pipe(upstream)
    upstream.pipe(client)
    const end = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('close', end).on('error', end)
    upstream.on('close', end).on('error', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const proxy: FlakyNetworkProxy = {
    url: `http://127.0.0.1:${port}`,
    get accepted() {
      return accepted
    },
    dropAll() {
      for (const [client, upstream] of pairs) {
        client.destroy()
        upstream.destroy()
      }
      pairs.clear()
    },
    freezeAll() {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream)
        upstream.unpipe(client)
        client.pause()
        upstream.pause()
        frozen.add([client, upstream])
      }
      pairs.clear()
    },
    async close() {
      proxy.dropAll()
      for (const [client, upstream] of frozen) {
        client.destroy()
        upstream.destroy()
      }
      await new Promise((resolve) => server.close(resolve))
    },
  }
  return proxy
}

export interface RefusingProxy {
  /** The proxy's base URL: HTTP and the live WebSocket both go through it. */
  readonly url: string
  /**
   * Answers the next `count` requests whose path matches `path` as a busy server would: 429
   * rate_limited with Retry-After `retryAfterSeconds`, without passing them on.
   */
  refuseNext(count: number, path: RegExp, retryAfterSeconds: number): void
  /** When each refused request came (ms since epoch). */
  readonly refusedAt: readonly number[]
  close(): Promise<void>
}

/** An HTTP relay on 127.0.0.1 to the real server that can refuse chosen requests with 429. */
export async function startRefusingProxy(targetUrl: string): Promise<RefusingProxy> {
  const target = new URL(targetUrl)
  const refusedAt: number[] = []
  let refusal: { left: number; path: RegExp; seconds: number } | null = null
  const server = createHttpServer((request, response) => {
    if (refusal && refusal.left > 0 && refusal.path.test(request.url ?? '')) {
      refusal.left--
      refusedAt.push(Date.now())
      request.resume()
      const body = JSON.stringify({ error: 'rate_limited', message: 'slow down (test proxy)' })
      response.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': String(refusal.seconds),
      })
      return void response.end(body)
    }
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(response)
      },
    )
    upstream.on('error', () => response.destroy())
    request.pipe(upstream)
  })
  // The live connection's upgrade is relayed as bytes once its head is written again.
  server.on('upgrade', (request: IncomingMessage, client: Socket, head: Buffer) => {
    const upstream = connect(Number(target.port), target.hostname, () => {
      const lines = [`${request.method} ${request.url} HTTP/1.1`]
      for (let i = 0; i < request.rawHeaders.length; i += 2)
        lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`)
      upstream.write(lines.join('\r\n') + '\r\n\r\n')
      upstream.write(head)
      client.pipe(upstream)
      upstream.pipe(client)
    })
    const end = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    refusedAt,
    refuseNext(count, path, seconds) {
      refusal = { left: count, path, seconds }
    },
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
