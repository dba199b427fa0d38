// The embedded backend serves one app, not the machine: every request and WebSocket upgrade
// must carry the secret its host made for this launch (EMBEDDED_SECRET_HEADER) and name the
// backend itself as its Host. Without this, any local process, or a web page that rebinds a
// DNS name to 127.0.0.1, could register accounts, read what is public and spend the loopback
// rate-limit budget the app's own logins share. A standalone paracord-server is public and
// never installs this.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { EMBEDDED_SECRET_HEADER } from '../shared/embedded-backend'
import { ApiError } from './errors'

/**
 * Refuses, before anything else looks at it (sessions, rate limits, routes, /metrics), every
 * request without `secret` or addressed to another Host than 127.0.0.1:PORT or localhost:PORT.
 */
export function requireEmbeddedAccess(app: FastifyInstance, secret: string): void {
  const expected = digest(secret)
  app.addHook('onRequest', (request, reply, done) => {
    const refuse = (why: string) => {
      // A WebSocket upgrade's socket no longer belongs to the HTTP server, and the WebSocket
      // plugin's own clean-up runs only for requests that got past this hook: close it here.
      if (request.headers.upgrade !== undefined) {
        reply.raw.once('finish', () => request.raw.socket.destroy())
      }
      done(new ApiError('embedded_access_denied', `this is a paracord app’s own backend: ${why}`))
    }
    if (!isOwnHost(request, listeningPort(app))) {
      return refuse('it answers only to 127.0.0.1 or localhost on its port')
    }
    const given = request.headers[EMBEDDED_SECRET_HEADER]
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) {
      return refuse('only the app that started it may use it')
    }
    done()
  })
}

/** Digests compare in constant time whatever the given value's length. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

function listeningPort(app: FastifyInstance): number | null {
  const address = app.server.address()
  return typeof address === 'object' && address !== null ? address.port : null
}

function isOwnHost(request: FastifyRequest, port: number | null): boolean {
  if (port === null) return false
  const host = request.headers.host?.toLowerCase()
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`
}
