// A TCP relay on 127.0.0.1 that can be cut and restored: to the server behind it, the database
// in front of it "restarts", without touching the shared PostgreSQL itself.
import net from 'node:net'

export class OutageProxy {
  private server: net.Server | null = null
  private readonly sockets = new Set<net.Socket>()

  private constructor(
    private readonly target: { host: string; port: number },
    public port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<OutageProxy> {
    const proxy = new OutageProxy(target, 0)
    await proxy.listen()
    return proxy
  }

  get up(): boolean {
    return this.server !== null
  }

  /** Drops every relayed connection and refuses new ones (connection refused). */
  async cut(): Promise<void> {
    const server = this.server
    this.server = null
    for (const socket of this.sockets) socket.destroy()
    this.sockets.clear()
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** Accepts connections again, on the same port. */
  async restore(): Promise<void> {
    if (!this.server) await this.listen()
  }

  close(): Promise<void> {
    return this.cut()
  }

  private async listen(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host)
      for (const socket of [client, upstream]) {
        this.sockets.add(socket)
        socket.on('close', () => this.sockets.delete(socket))
        socket.on('error', () => {
          client.destroy()
          upstream.destroy()
        })
      }
      client.pipe(upstream)
      upstream.pipe(client)
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
    this.port = (server.address() as net.AddressInfo).port
    this.server = server
  }
}
