// A WebSocket client for tests: frames queue up and are taken in order.
import WebSocket from 'ws'
import type { ClientFrame, ServerFrame } from '../../shared/protocol'

export interface Closed {
  readonly code: number
  readonly reason: string
}

export class LiveClient {
  private readonly frames: ServerFrame[] = []
  private waiter: (() => void) | null = null
  readonly closed: Promise<Closed>

  private constructor(readonly socket: WebSocket) {
    // ws hands a message over as one Buffer (binaryType nodebuffer, the default).
    socket.on('message', (data) => {
      this.frames.push(JSON.parse((data as Buffer).toString()) as ServerFrame)
      this.waiter?.()
    })
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() })
        this.waiter?.()
      }),
    )
  }

  static async open(baseUrl: string): Promise<LiveClient> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/ws`)
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    return new LiveClient(socket)
  }

  /** Opens, authenticates and waits for `ready`. */
  static async signedIn(baseUrl: string, token: string): Promise<LiveClient> {
    const client = await LiveClient.open(baseUrl)
    client.send({ type: 'auth', token })
    const ready = await client.next()
    if (ready.type !== 'ready') throw new Error(`expected ready, got ${JSON.stringify(ready)}`)
    return client
  }

  send(frame: ClientFrame | Record<string, unknown>): void {
    this.socket.send(JSON.stringify(frame))
  }

  sendRaw(data: string | Buffer): void {
    this.socket.send(data)
  }

  /** The next frame; fails if the socket closes or nothing comes within `timeoutMs`. */
  async next(timeoutMs = 5000): Promise<ServerFrame> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const frame = this.frames.shift()
      if (frame) return frame
      if (this.socket.readyState >= WebSocket.CLOSING) throw new Error('socket closed')
      const remaining = deadline - Date.now()
      if (remaining <= 0) throw new Error('no frame in time')
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining)
        this.waiter = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.waiter = null
    }
  }

  /** Frames until (and including) the first that matches. */
  async until(match: (frame: ServerFrame) => boolean, timeoutMs = 5000): Promise<ServerFrame[]> {
    const seen: ServerFrame[] = []
    for (;;) {
      const frame = await this.next(timeoutMs)
      seen.push(frame)
      if (match(frame)) return seen
    }
  }

  /** Seqs of the next `count` shard frames of `stream`, failing on any other frame. */
  async shardSeqs(stream: string, count: number): Promise<number[]> {
    const seqs: number[] = []
    while (seqs.length < count) {
      const frame = await this.next()
      if (frame.type !== 'shard' || frame.shard.stream !== stream)
        throw new Error(`expected a shard of ${stream}, got ${JSON.stringify(frame)}`)
      seqs.push(frame.shard.seq)
    }
    return seqs
  }

  /** Frames already received and not yet taken. */
  pending(): readonly ServerFrame[] {
    return [...this.frames]
  }

  close(): void {
    this.socket.close()
  }
}
