// A backend that lies about the vault: an HTTP relay on 127.0.0.1 in front of the real one that,
// once told to, answers an account's vault (GET /v1/enclaves/<handle>, and the vault in a login's
// answer) with an enclave of its choosing, as a compromised server restoring a backup would;
// or claims another protocol version (GET /info), as a server of another release does.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Enclave } from '../../shared/protocol'

export interface HostileBackend {
  readonly url: string
  /** From now on the vault `enclave.id` is answered with `enclave`; null tells the truth again. */
  serveVault(enclave: Enclave | null): void
  /** From now on a login's answer claims this account id; null tells the truth again. */
  serveAccountId(accountId: string | null): void
  /** From now on GET /info claims this protocol version; null tells the truth again. */
  serveProtocolVersion(version: number | null): void
  /** How many times the forged vault was handed out. */
  readonly forgeries: number
  close(): Promise<void>
}

const FORWARDED_HEADERS = ['accept', 'authorization', 'content-type']

export async function startHostileBackend(targetUrl: string): Promise<HostileBackend> {
  let forged: Enclave | null = null
  let forgedAccountId: string | null = null
  let forgedVersion: number | null = null
  let forgeries = 0

  const rewrite = (method: string, path: string, text: string): string => {
    if (forgedVersion !== null && method === 'GET' && path === '/info') {
      text = JSON.stringify({ ...(JSON.parse(text) as object), version: forgedVersion })
    }
    if (forgedAccountId !== null && method === 'POST' && path === '/v1/auth/login') {
      text = JSON.stringify({ ...(JSON.parse(text) as object), accountId: forgedAccountId })
    }
    if (forged === null) return text
    if (method === 'GET' && path === `/v1/enclaves/${forged.id}`) {
      forgeries++
      return JSON.stringify(forged)
    }
    if (method === 'POST' && path === '/v1/auth/login') {
      const login = JSON.parse(text) as { vault?: Enclave }
      if (login.vault?.id !== forged.id) return text
      forgeries++
      return JSON.stringify({ ...login, vault: forged })
    }
    return text
  }

  const relay = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const headers: Record<string, string> = {}
    for (const name of FORWARDED_HEADERS) {
      const value = req.headers[name]
      if (typeof value === 'string') headers[name] = value
    }
    const method = req.method ?? 'GET'
    const path = req.url ?? '/'
    const upstream = await fetch(new URL(path, targetUrl), {
      method,
      headers,
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
    })
    const text = await upstream.text()
    res.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
    })
    res.end(upstream.ok ? rewrite(method, path, text) : text)
  }

  const server = createServer((req, res) => {
    relay(req, res).catch(() => {
      res.writeHead(502)
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    serveVault(enclave) {
      forged = enclave
    },
    serveAccountId(accountId) {
      forgedAccountId = accountId
    },
    serveProtocolVersion(version) {
      forgedVersion = version
    },
    get forgeries() {
      return forgeries
    },
    close() {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
