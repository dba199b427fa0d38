import { Ok } from '../../shared/protocol'
import { ApiError } from '../errors'
import { routePlugin } from './plugin'
import { refusals } from './schemas'

export const healthRoutes = routePlugin((app, { ctx }) => {
  app.get(
    '/healthz',
    {
      config: { rateLimit: false },
      schema: {
        summary: 'Liveness: 200 when the store answers',
        tags: ['operations'],
        response: { 200: Ok, ...refusals },
      },
    },
    async (request) => {
      try {
        await ctx.store.nextExpiry()
      } catch (error) {
        request.log.error({ err: error }, 'health check: the store does not answer')
        throw new ApiError('unavailable', 'the store does not answer')
      }
      return { ok: true } as const
    },
  )
})
