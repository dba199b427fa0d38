// The Fastify app as a composition of plugins over one Store: error shape, metrics, rate
// limits, OpenAPI, WebSocket, then the routes (mirroring the URL tree under routes/).
import { readFile } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import websocket from '@fastify/websocket'
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { EncodingError } from '../shared/encoding'
import { LIMITS, type ErrorBody } from '../shared/protocol'
import { resolveSession, SessionCache } from './auth'
import type { ServerConfig } from './config'
import { secretCache, type RouteOptions, type ServerContext } from './context'
import { requireEmbeddedAccess } from './embedded-access'
import { ApiError, codeForStatus, STATUS_OF } from './errors'
import { LiveHub } from './live/hub'
import { InProcessNotifier, type LiveNotifier } from './live/notifier'
import { clientAddress, WindowCounter } from './limits'
import { createMetrics, type ServerMetrics } from './metrics'
import { healthRoutes } from './routes/healthz'
import { infoRoutes } from './routes/info'
import { invitePageRoutes } from './routes/invite-page'
import { metricsRoutes } from './routes/metrics'
import { openapiRoutes } from './routes/openapi'
import { accountRoutes } from './routes/v1/accounts'
import { authRoutes } from './routes/v1/auth'
import { enclaveRoutes } from './routes/v1/enclaves'
import { streamRoutes } from './routes/v1/streams'
import { turnRoutes } from './routes/v1/turn'
import { liveRoutes } from './routes/v1/ws'
import { isStoreUnavailable } from './store/postgres-errors'
import type { Store } from './store/types'
import { Sweeper } from './sweeper'

export interface AppOptions {
  readonly store: Store
  readonly config: ServerConfig
  readonly logger: FastifyBaseLogger
  /** Where live events go and come from; in-process unless instances share one. */
  readonly notifier?: LiveNotifier
  /** Also sweep this often (instances sharing a store: others' posts never arm our timer). */
  readonly sweepEveryMs?: number
  /** The embedded backend only: the secret its host requires of every request (embedded-access.ts). */
  readonly embeddedSecret?: string
}

export interface App {
  readonly app: FastifyInstance
  readonly context: ServerContext
  /** The /metrics listener's own app when --metrics-port is set (not listening yet). */
  readonly metricsApp: FastifyInstance | null
}

/** Upper bound on a single WebSocket message the socket library will even read. */
const WS_HARD_MAX_PAYLOAD = 4 * LIMITS.maxFrameBytes

export async function buildApp(options: AppOptions): Promise<App> {
  const { store, config } = options
  const now = Date.now
  const app = Fastify<http.Server>({
    loggerInstance: options.logger,
    bodyLimit: LIMITS.maxBodyBytes,
    trustProxy: trustProxy(config.trustProxy),
    requestTimeout: config.requestTimeoutMs,
    serverFactory: await serverFactory(config),
  }).withTypeProvider<TypeBoxTypeProvider>()
  app.setValidatorCompiler(TypeBoxValidatorCompiler)
  app.decorateRequest('session', null)

  const metrics = createMetrics()
  const notifier = options.notifier ?? new InProcessNotifier()
  const sweeper = new Sweeper(store, metrics, app.log)
  const sessions = new SessionCache(store, notifier, now)
  const hub = new LiveHub({
    store,
    sessions,
    notifier,
    metrics,
    log: app.log,
    now,
    maxBufferedBytes: config.wsMaxBufferedBytes,
    drainTimeoutMs: config.wsDrainTimeoutMs,
    authTimeoutMs: config.wsAuthTimeoutMs,
    pingIntervalMs: config.wsPingIntervalMs,
    framesPerMinute: config.rateLimitPerMinute,
    maxSocketsPerSession: config.maxSocketsPerSession,
    maxSocketsPerAccount: config.maxSocketsPerAccount,
    maxPendingSocketsPerAddress: config.maxPendingSocketsPerAddress,
    maxSubscriptionsPerSocket: config.maxSubscriptionsPerSocket,
    maxStreamRings: config.maxStreamRings,
  })
  const context: ServerContext = {
    store,
    config,
    now,
    metrics,
    notifier,
    sweeper,
    hub,
    sessions,
    secret: secretCache(store),
  }

  // 1. One shape for every refusal: { error, message[, currentVersion] }.
  refuseInOneShape(app, metrics)
  // An embedded backend refuses strangers before a session lookup or a rate limit counts them.
  if (options.embeddedSecret !== undefined) requireEmbeddedAccess(app, options.embeddedSecret)

  // 2. Metrics of every answered request, by route pattern (never the raw URL: ids stay out).
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.inc({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    })
  })

  // 3. Rate limits: per account once its session is verified (looked up first, here), else per
  //    client address, with a larger budget since many people may share one address. A Bearer
  //    header that names no live session counts as nothing but its address.
  //    A token not cached is looked up only within its address's budget of lookups (see
  //    resolveSession), so made-up tokens cannot each cost a store read (/healthz included).
  const lookups = new WindowCounter({
    max: config.addressRateLimitPerMinute,
    windowMs: 60_000,
    now,
  })
  app.addHook('onRequest', resolveSession(sessions, now, lookups))
  await app.register(rateLimit, {
    global: true,
    max: (request) =>
      request.session === null ? config.addressRateLimitPerMinute : config.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) =>
      request.session === null
        ? `address:${clientAddress(request)}`
        : `account:${request.session.accountId}`,
    errorResponseBuilder: (_request, context) =>
      new ApiError('rate_limited', `rate limit reached; retry in ${context.after}`),
  })

  // 4. OpenAPI from the route schemas.
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'paracord blind store',
        version: '1',
        description: 'Stores ciphertext, public keys and times. See docs/PROTOCOL.md.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  })

  // 5. WebSockets: on shutdown, our sockets close with 1001 before the plugin's own close.
  app.addHook('preClose', (done) => {
    hub.close()
    done()
  })
  await app.register(websocket, { options: { maxPayload: WS_HARD_MAX_PAYLOAD } })

  // 6. Routes.
  const routeOptions: RouteOptions = { ctx: context }
  await app.register(healthRoutes, routeOptions)
  await app.register(infoRoutes, routeOptions)
  await app.register(invitePageRoutes, routeOptions)
  // /metrics is never public: behind its token here, or only on its own listener.
  if (config.metricsToken !== null && config.metricsPort === null)
    await app.register(metricsRoutes, routeOptions)
  await app.register(openapiRoutes, routeOptions)
  await app.register(accountRoutes, routeOptions)
  await app.register(authRoutes, routeOptions)
  await app.register(enclaveRoutes, routeOptions)
  await app.register(streamRoutes, routeOptions)
  await app.register(turnRoutes, routeOptions)
  await app.register(liveRoutes, routeOptions)

  let sweepTick: ReturnType<typeof setInterval> | null = null
  app.addHook('onReady', async () => {
    await sweeper.start()
    if (options.sweepEveryMs !== undefined) {
      sweepTick = setInterval(() => sweeper.schedule(now()), options.sweepEveryMs)
      sweepTick.unref()
    }
  })
  app.addHook('onClose', async () => {
    if (sweepTick) clearInterval(sweepTick)
    sessions.close()
    await sweeper.stop()
  })
  return { app, context, metricsApp: await buildMetricsApp(config, routeOptions, options.logger) }
}

/** The separate /metrics listener of --metrics-port, or null. */
async function buildMetricsApp(
  config: ServerConfig,
  routeOptions: RouteOptions,
  logger: FastifyBaseLogger,
): Promise<FastifyInstance | null> {
  if (config.metricsPort === null) return null
  const metricsApp = Fastify<http.Server>({
    loggerInstance: logger,
    requestTimeout: config.requestTimeoutMs,
    serverFactory: await serverFactory(config),
  }).withTypeProvider<TypeBoxTypeProvider>()
  metricsApp.setValidatorCompiler(TypeBoxValidatorCompiler)
  refuseInOneShape(metricsApp, routeOptions.ctx.metrics)
  await metricsApp.register(metricsRoutes, routeOptions)
  return metricsApp
}

/** The error handler and the 404 handler: every refusal as { error, message[, currentVersion] }. */
function refuseInOneShape(app: FastifyInstance, metrics: ServerMetrics): void {
  app.setErrorHandler((error: FastifyError | ApiError | Error, request, reply) => {
    const body = refusalOf(error)
    if (body.error === 'internal') request.log.error({ err: error }, 'request failed')
    metrics.httpErrors.inc({ error: body.error })
    return reply.code(STATUS_OF[body.error]).send(body)
  })
  app.setNotFoundHandler((request, reply) => {
    metrics.httpErrors.inc({ error: 'not_found' })
    return reply.code(404).send({
      error: 'not_found',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
    })
  })
}

/** Fastify's trustProxy: a hop count becomes "trust the nearest n hops". */
function trustProxy(setting: ServerConfig['trustProxy']) {
  return typeof setting === 'number' ? (_address: string, hop: number) => hop < setting : setting
}

/**
 * The HTTP(S) server: HTTPS when given a certificate, and in either case a client has
 * `headersTimeoutMs` for its headers and `requestTimeoutMs` for the whole request (checked
 * often enough that a slow-drip connection is cut near its deadline, not 30 s later).
 */
async function serverFactory(config: ServerConfig) {
  const requestTimeout = config.requestTimeoutMs
  const headersTimeout = Math.min(config.headersTimeoutMs, requestTimeout)
  const timeouts: http.ServerOptions = {
    headersTimeout,
    requestTimeout,
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 2))),
  }
  const tls =
    config.tlsCert === null || config.tlsKey === null
      ? null
      : { cert: await readFile(config.tlsCert), key: await readFile(config.tlsKey) }
  return (handler: http.RequestListener): http.Server =>
    tls === null
      ? http.createServer(timeouts, handler)
      : https.createServer({ ...timeouts, ...tls }, handler)
}

/** Any failure as the wire's ErrorBody; internals never leak (a 5xx says only "internal"). */
function refusalOf(error: FastifyError | ApiError | Error): ErrorBody {
  if (error instanceof ApiError) {
    return error.currentVersion === undefined
      ? { error: error.code, message: error.message }
      : { error: error.code, message: error.message, currentVersion: error.currentVersion }
  }
  if (error instanceof EncodingError)
    return { error: 'bad_request', message: `malformed base64url: ${error.message}` }
  // The database is restarting or unreachable: nothing of this request was stored; retry.
  if (isStoreUnavailable(error))
    return { error: 'unavailable', message: 'the database is unavailable; retry shortly' }
  const fastifyError = error as FastifyError
  if (fastifyError.validation) {
    // A too-long body field is a size problem, not a shape problem.
    const tooLong = fastifyError.validation.some(
      (issue) => issue.keyword === 'maxLength' && /\/body$/.test(issue.instancePath),
    )
    return tooLong
      ? { error: 'payload_too_large', message: `${fastifyError.validationContext} body too large` }
      : { error: 'bad_request', message: fastifyError.message }
  }
  const status = fastifyError.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { error: codeForStatus(status), message: fastifyError.message }
  }
  return { error: 'internal', message: 'internal error' }
}
