// Builds the servers, message and sync services of one unlocked session and links them.
import type { LiveConnectionOptions } from '../net/live-connection'
import type { CoreEvents } from '../events'
import { MessageService } from '../messages/message-service'
import type { PeerKeyPins } from '../servers/peer-key-pins'
import { ServerService } from '../servers/server-service'
import type { UnlockedSession } from '../session'
import { VoiceService, type VoiceServiceOptions } from '../voice/voice-service'
import { SyncService } from './sync-service'

export interface ServerCoreOptions {
  readonly session: UnlockedSession
  readonly events: CoreEvents
  readonly peers: PeerKeyPins
  /** The backend's base URL. */
  readonly url: string
  readonly live?: LiveConnectionOptions
  readonly retryMs?: number
  readonly upkeepDelayMs?: () => number
  readonly voice?: Pick<VoiceServiceOptions, 'timing' | 'maxParticipants'>
  readonly onError?: (error: unknown) => void
}

export interface ServerCore {
  readonly servers: ServerService
  readonly messages: MessageService
  readonly sync: SyncService
  readonly voice: VoiceService
  /**
   * Leaves a voice call, disconnects, stops timers and wipes derived keys (on lock or logout).
   * Once `signal` aborts, the leave is no longer waited for (the backend did not answer in time).
   */
  close(signal?: AbortSignal): Promise<void>
}

export function createServerCore(options: ServerCoreOptions): ServerCore {
  const { session, events, peers, onError } = options
  const servers = new ServerService({
    session,
    events,
    peers,
    onError,
    upkeepDelayMs: options.upkeepDelayMs,
  })
  const messages = new MessageService({ session, events, servers })
  const voice = new VoiceService({ session, events, servers, onError, ...options.voice })
  const sync = new SyncService({
    session,
    events,
    servers,
    messages,
    voice,
    url: options.url,
    live: options.live,
    retryMs: options.retryMs,
    onError,
  })
  return {
    servers,
    messages,
    sync,
    voice,
    async close(signal) {
      // The leave goes out while the connection is still up.
      await voice.close(signal)
      await sync.dispose()
      messages.close()
      servers.close()
    },
  }
}
