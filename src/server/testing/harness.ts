// A real server on 127.0.0.1, a free port and its own temporary SQLite file.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ServerConfig } from '../config'
import { startServer, type RunningServer } from '../index'
import { StoreTestClient } from './api'

export interface TestServer extends RunningServer {
  readonly dbPath: string
  readonly api: StoreTestClient
  /** Closes the server and removes its files. */
  dispose(): Promise<void>
}

export async function startTestServer(config: Partial<ServerConfig> = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'paracord-server-'))
  const dbPath = join(dir, 'store.db')
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    ...config,
    db: `sqlite:${dbPath}`,
  })
  return {
    ...server,
    close: () => server.close(),
    dbPath,
    api: new StoreTestClient(server.url),
    dispose: async () => {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
