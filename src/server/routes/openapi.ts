import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteOptions } from '../context'
import { refusals } from './schemas'

export const openapiRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app) => {
  app.get(
    '/openapi.json',
    {
      schema: {
        summary: 'This API as an OpenAPI 3.1 document',
        tags: ['operations'],
        response: { 200: Type.Object({}, { additionalProperties: true }), ...refusals },
      },
    },
    async () => app.swagger(),
  )
}
