import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { RouteOptions } from '../context'

type RouteSetup = (...args: Parameters<FastifyPluginAsyncTypebox<RouteOptions>>) => void

/**
 * A route plugin whose setup only declares routes and hooks, so it awaits nothing. Fastify still
 * gets the promise of an async plugin: a throw during setup rejects `app.register`, where a
 * callback plugin's throw would escape avvio as an uncaught exception.
 */
export function routePlugin(setup: RouteSetup): FastifyPluginAsyncTypebox<RouteOptions> {
  return (app, options) =>
    new Promise<void>((resolve) => {
      setup(app, options)
      resolve()
    })
}
