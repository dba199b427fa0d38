import { PROTOCOL_VERSION, ServerInfo } from '../../shared/protocol'
import { routePlugin } from './plugin'
import { refusals } from './schemas'

export const infoRoutes = routePlugin((app) => {
  app.get(
    '/info',
    {
      // A constant answer: nothing to protect, and a client asks it before every sign-in.
      config: { rateLimit: false },
      schema: {
        summary: 'Which protocol this server speaks, and its version',
        tags: ['operations'],
        response: { 200: ServerInfo, ...refusals },
      },
    },
    () => ({ protocol: 'paracord', version: PROTOCOL_VERSION }) as const,
  )
})
