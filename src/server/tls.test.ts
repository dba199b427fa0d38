// --tls-cert/--tls-key: the server speaks HTTPS (and WSS) itself, with a self-signed
// certificate made for the test by openssl.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import https from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginPayload, type ServerFrame } from '../shared/protocol'
import { registerBody } from './testing/api'
import { startTestServer, type TestServer } from './testing/harness'
import { newKeyPair, randomB64 } from './testing/keys'

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

let dir: string
let cert: Buffer
let server: TestServer
beforeAll(async () => {
  if (!hasOpenssl) return
  dir = mkdtempSync(join(tmpdir(), 'paracord-tls-'))
  const [certFile, keyFile] = [join(dir, 'cert.pem'), join(dir, 'key.pem')]
  execFileSync(
    'openssl',
    // prettier-ignore
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1'],
    { stdio: 'ignore' },
  )
  cert = readFileSync(certFile)
  server = await startTestServer({ tlsCert: certFile, tlsKey: keyFile })
})
afterAll(async () => {
  await server?.dispose()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function get(url: string, ca?: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (body += chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
      })
      .on('error', reject)
  })
}

describe.skipIf(!hasOpenssl)('TLS', () => {
  it('serves HTTPS with the given certificate', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(await get(`${server.url}/healthz`, cert)).toEqual({ status: 200, body: '{"ok":true}' })
    // A client that does not trust the certificate refuses it.
    await expect(get(`${server.url}/healthz`)).rejects.toThrow(/self[- ]signed/i)
    // Plain HTTP gets no answer from the TLS port.
    await expect(fetch(server.url.replace('https:', 'http:') + '/healthz')).rejects.toThrow()
  })

  it('serves the WebSocket over WSS', async () => {
    const account = await registerAndLogin()
    const url = `${server.url.replace(/^https:/, 'wss:')}/v1/ws`
    expect(url).toMatch(/^wss:/)
    const socket = new WebSocket(url, { ca: cert })
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    const ready = new Promise<ServerFrame>((resolve) =>
      socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as ServerFrame)),
    )
    socket.send(JSON.stringify({ type: 'auth', token: account.token }))
    expect(await ready).toMatchObject({ type: 'ready', accountId: account.accountId })
    socket.close()
  })
})

/** Registers and logs in through Fastify's inject (the test needs a session, not TLS). */
async function registerAndLogin() {
  const handle = randomB64(32)
  const loginKey = newKeyPair()
  const registered = await server.app.inject({
    method: 'POST',
    url: '/v1/accounts',
    payload: registerBody(handle, loginKey, randomB64(48)),
  })
  expect(registered.statusCode).toBe(201)
  const challenge = (
    await server.app.inject({ method: 'POST', url: '/v1/auth/challenge', payload: { handle } })
  ).json<{ challengeId: string; nonce: string }>()
  const login = await server.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: {
      handle,
      challengeId: challenge.challengeId,
      signature: loginKey.sign(loginPayload({ handle, ...challenge })),
    },
  })
  return login.json<{ token: string; accountId: string }>()
}
