// /v1/turn: short-lived TURN credentials in the standard TURN REST scheme (coturn
// `use-auth-secret`): username = "expiry:user", credential = base64(HMAC-SHA1(secret, username)).
import { createHmac } from 'node:crypto'
import { TurnCredentials } from '../../../shared/protocol'
import { authenticate, sessionOf } from '../../auth'
import { ApiError } from '../../errors'
import { routePlugin } from '../plugin'
import { bearer, refusals } from '../schemas'

export const turnRoutes = routePlugin((app, { ctx }) => {
  const { config, now } = ctx
  app.get(
    '/v1/turn',
    {
      onRequest: authenticate(ctx.sessions, now),
      schema: {
        summary: 'Short-lived TURN credentials (503 when the server has no TURN secret)',
        tags: ['turn'],
        security: bearer,
        response: { 200: TurnCredentials, ...refusals },
      },
    },
    (request) => {
      const secret = config.turnSecret
      if (secret === null) throw new ApiError('unavailable', 'this server offers no TURN relay')
      const expiresAtSeconds = Math.floor(now() / 1000) + config.turnTtlSeconds
      const username = `${expiresAtSeconds}:${sessionOf(request).accountId}`
      return {
        urls: [...config.turnUrls],
        username,
        credential: createHmac('sha1', secret).update(username).digest('base64'),
        ttlSeconds: config.turnTtlSeconds,
        expiresAt: expiresAtSeconds * 1000,
      }
    },
  )
})
