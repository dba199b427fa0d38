// The bare baseline for the fan-out benchmark: an HTTP POST is broadcast over `ws` to the
// stream's subscribers. It neither verifies, stores nor orders anything: the upper bound of
// what Node and `ws` can deliver on this machine. Speaks just enough of the paracord frames
// (auth → ready, subscribe → subscribed, shard) for the same load generator to drive it.
// Usage: tsx bench/lib/baseline-server.ts PORT
import http from 'node:http'
import { WebSocketServer, type WebSocket } from 'ws'

const port = Number(process.argv[2] ?? 0)
const followers = new Map<string, Set<WebSocket>>()
const seqs = new Map<string, number>()

const server = http.createServer((request, response) => {
  const match = /^\/v1\/streams\/([^/]+)\/shards$/.exec(request.url ?? '')
  if (request.method === 'GET' && request.url === '/healthz') {
    response.end('{"ok":true}')
    return
  }
  if (request.method !== 'POST' || !match) {
    response.statusCode = 404
    response.end('{}')
    return
  }
  let body = ''
  request.setEncoding('utf8')
  request.on('data', (chunk: string) => (body += chunk))
  request.on('end', () => {
    const stream = match[1]!
    const post = JSON.parse(body) as Record<string, unknown>
    const seq = (seqs.get(stream) ?? 0) + 1
    seqs.set(stream, seq)
    const receivedAt = Date.now()
    const frame = JSON.stringify({
      type: 'shard',
      shard: { ...post, stream, seq, receivedAt },
    })
    for (const socket of followers.get(stream) ?? []) socket.send(frame)
    response.statusCode = 201
    response.setHeader('content-type', 'application/json')
    response.end(JSON.stringify({ id: post.id, seq, receivedAt, burnAt: post.burnAt }))
  })
})

const wss = new WebSocketServer({ server, path: '/v1/ws' })
wss.on('connection', (socket) => {
  socket.on('message', (data) => {
    // ws hands a message over as one Buffer (binaryType nodebuffer, the default).
    const frame = JSON.parse((data as Buffer).toString()) as {
      type: string
      streams?: { stream: string }[]
    }
    if (frame.type === 'auth') socket.send(JSON.stringify({ type: 'ready', accountId: 'x' }))
    if (frame.type === 'subscribe') {
      for (const { stream } of frame.streams ?? []) {
        let set = followers.get(stream)
        if (!set) followers.set(stream, (set = new Set()))
        set.add(socket)
        socket.send(JSON.stringify({ type: 'subscribed', stream, headSeq: seqs.get(stream) ?? 0 }))
      }
    }
  })
  socket.on('close', () => {
    for (const set of followers.values()) set.delete(socket)
  })
})

server.listen(port, '127.0.0.1')
