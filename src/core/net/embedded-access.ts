// The embedded backend a host started answers only requests carrying that launch's secret
// (src/server/embedded-access.ts). The core's HTTP and WebSocket clients add it here, and only
// for that backend's own address: a profile on another server never sees it.
import { EMBEDDED_SECRET_HEADER } from '../../shared/embedded-backend'

/** The embedded backend of this run: where it listens, and the secret it requires. */
export interface EmbeddedBackendAccess {
  /** http://127.0.0.1:PORT */
  readonly url: string
  readonly secret: string
}

/**
 * What a person reads when an embedded backend refuses the core (`embedded_access_denied`): the
 * address the profile uses is held by another paracord's backend, which has its own secret.
 */
export const EMBEDDED_ACCESS_DENIED_MESSAGE =
  'The local server at this address belongs to another paracord: quit that one, then start paracord again'

const PLAIN_SCHEME: Readonly<Record<string, string>> = { 'http:': 'http:', 'ws:': 'http:' }

/** The headers a request to `target` (http or ws) carries: the secret for the backend itself. */
export function embeddedAccessHeaders(
  access: EmbeddedBackendAccess | null | undefined,
  target: string | URL,
): Record<string, string> {
  if (!access) return {}
  const to = new URL(target)
  const backend = new URL(access.url)
  const sameBackend = PLAIN_SCHEME[to.protocol] === backend.protocol && to.host === backend.host
  return sameBackend ? { [EMBEDDED_SECRET_HEADER]: access.secret } : {}
}
