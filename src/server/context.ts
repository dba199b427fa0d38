// What every route plugin is handed: the store and the server's moving parts.
import { randomBytes } from 'node:crypto'
import { toBase64Url } from '../shared/encoding'
import type { SessionCache } from './auth'
import type { ServerConfig } from './config'
import type { LiveHub } from './live/hub'
import type { LiveNotifier } from './live/notifier'
import type { ServerMetrics } from './metrics'
import type { Store } from './store/types'
import type { Sweeper } from './sweeper'

export interface ServerContext {
  readonly store: Store
  readonly config: ServerConfig
  readonly now: () => number
  readonly metrics: ServerMetrics
  readonly notifier: LiveNotifier
  readonly sweeper: Sweeper
  readonly hub: LiveHub
  /** Session lookups, cached and invalidated through the notifier. */
  readonly sessions: SessionCache
  /** A named secret from the store, read once and kept in memory. */
  readonly secret: (name: string) => Promise<string>
}

export function secretCache(store: Store): (name: string) => Promise<string> {
  const secrets = new Map<string, Promise<string>>()
  return (name) => {
    let secret = secrets.get(name)
    if (!secret) {
      secret = store.ensureSecret(name, () => toBase64Url(randomBytes(32)))
      secret.catch(() => secrets.delete(name))
      secrets.set(name, secret)
    }
    return secret
  }
}

/** Options of every route plugin. */
export interface RouteOptions {
  readonly ctx: ServerContext
}
