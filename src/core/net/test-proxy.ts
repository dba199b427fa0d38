// A TCP relay on 127.0.0.1 between the client and the real server, so tests can cut live
// connections abruptly or freeze them into silence, as a dying network does.
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
