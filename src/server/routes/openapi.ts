import { Type } from 'typebox'
import { routePlugin } from './plugin'
import { refusals } from './schemas'

export const openapiRoutes = routePlugin((app) => {
  app.get(
    '/openapi.json',
    {
      schema: {
        summary: 'This API as an OpenAPI 3.1 document',
        tags: ['operations'],
        response: { 200: Type.Object({}, { additionalProperties: true }), ...refusals },
      },
    },
    () => app.swagger(),
  )
})
