// GET /metrics, Prometheus text. Never public: the app serves it only behind --metrics-token
// (a Bearer token, as Prometheus' `authorization` scrape setting sends it) or on the separate
// --metrics-port listener (which may add the token too).
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { ApiError } from '../errors'
import { routePlugin } from './plugin'
import { bearer, refusals } from './schemas'

/** Whether the request's `Authorization: Bearer` header is `token` (compared in constant time). */
function carriesToken(request: FastifyRequest, token: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(request.headers.authorization ?? ''), digest(`Bearer ${token}`))
}

export const metricsRoutes = routePlugin((app, { ctx }) => {
  const { registry } = ctx.metrics
  const { metricsToken } = ctx.config
  app.get(
    '/metrics',
    {
      config: { rateLimit: false },
      onRequest: (request, _reply, done) => {
        const allowed = metricsToken === null || carriesToken(request, metricsToken)
        done(allowed ? undefined : new ApiError('unauthorized', 'the metrics token is required'))
      },
      schema: {
        summary: 'Prometheus metrics (text exposition format)',
        tags: ['operations'],
        produces: ['text/plain'],
        ...(metricsToken === null ? {} : { security: bearer }),
        response: { 200: Type.String(), ...refusals },
      },
    },
    async (_request, reply) => {
      reply.type(registry.contentType)
      return registry.metrics()
    },
  )
})
