// /v1/ws: live delivery. The socket authenticates with its first frame (live/connection.ts);
// a plain HTTP GET gets a clear refusal.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { RouteOptions } from '../../context'
import { ApiError } from '../../errors'
import { refusals } from '../schemas'

export const liveRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  app.route({
    method: 'GET',
    url: '/v1/ws',
    schema: {
      summary: 'Live delivery over WebSocket; the first frame is { type: "auth", token }',
      description: 'Frames and close codes: docs/PROTOCOL.md. Without an Upgrade header: 400.',
      tags: ['live'],
      response: { ...refusals },
    },
    handler: async () => {
      throw new ApiError('bad_request', 'this route speaks WebSocket only')
    },
    wsHandler: (socket) => ctx.hub.accept(socket),
  })
}
