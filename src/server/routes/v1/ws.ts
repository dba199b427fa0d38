// /v1/ws: live delivery. The socket authenticates with its first frame (live/connection.ts);
// a plain HTTP GET gets a clear refusal.
import { ApiError } from '../../errors'
import { clientAddress } from '../../limits'
import { routePlugin } from '../plugin'
import { refusals } from '../schemas'

export const liveRoutes = routePlugin((app, { ctx }) => {
  app.route({
    method: 'GET',
    url: '/v1/ws',
    schema: {
      summary: 'Live delivery over WebSocket; the first frame is { type: "auth", token }',
      description: 'Frames and close codes: docs/PROTOCOL.md. Without an Upgrade header: 400.',
      tags: ['live'],
      response: { ...refusals },
    },
    // Before the upgrade: an address may hold only so many sockets that have not authenticated.
    onRequest: (request, _reply, done) => {
      const admitted = ctx.hub.mayConnect(clientAddress(request))
      done(
        admitted
          ? undefined
          : new ApiError('rate_limited', 'too many unauthenticated sockets from this address'),
      )
    },
    handler: () => {
      throw new ApiError('bad_request', 'this route speaks WebSocket only')
    },
    wsHandler: (socket, request) => ctx.hub.accept(socket, clientAddress(request)),
  })
})
