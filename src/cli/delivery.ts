// Catching up with the backend, and waiting for it to acknowledge messages, through the
// contract's events alone. A message is durable in the outbox before any of this: sending
// needs neither the catch-up nor the acknowledgement, it only reports them.
import type { ConnectionState, MessageInfo, ParacordApi } from '../shared/api'

/** The core as the CLI drives it: the contract, plus waiting for sync and closing. */
export interface CliCore extends ParacordApi {
  whenSynced(timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

/**
 * 'synced' once caught up; 'unreachable' as soon as connecting fails (without waiting for the
 * timeout: what needs no backend goes on at once). Rejects when not caught up in time.
 */
export async function catchUpOrUnreachable(
  core: CliCore,
  timeoutMs: number,
): Promise<'synced' | 'unreachable'> {
  let stop = () => {}
  const unreachable = new Promise<'unreachable'>((resolve) => {
    const check = (state: ConnectionState) => {
      if (state.status === 'offline') resolve('unreachable')
    }
    stop = core.on('connectionChanged', check)
    // It may have failed before anyone listened.
    void core.getConnectionState({}).then(check, () => {})
  })
  try {
    return await Promise.race([
      core.whenSynced(timeoutMs).then(() => 'synced' as const),
      unreachable,
    ])
  } finally {
    stop()
  }
}

/** How many acknowledgements are remembered before they are asked for; older ones are dropped. */
const REMEMBERED_ACKS = 10_000

/**
 * Watches for the backend's acknowledgements (a message's `delivery` turning "sent") and the
 * connection. Listening starts before the first send, so no acknowledgement slips by unseen.
 */
export class DeliveryWatch {
  private readonly acknowledged = new Map<string, MessageInfo>()
  private online = false
  private heardConnection = false
  private wake: () => void = () => {}
  private readonly stops: (() => void)[]

  constructor(core: ParacordApi) {
    this.stops = [
      core.on('messagesChanged', (event) => {
        for (const message of event.messages) {
          if (message.delivery !== 'sent') continue
          this.acknowledged.set(message.id, message)
          if (this.acknowledged.size > REMEMBERED_ACKS) {
            this.acknowledged.delete(this.acknowledged.keys().next().value!)
          }
        }
        this.wake()
      }),
      core.on('connectionChanged', (state) => {
        this.heardConnection = true
        this.online = state.status === 'online'
        this.wake()
      }),
    ]
    void core.getConnectionState({}).then(
      (state) => {
        if (!this.heardConnection) this.online = state.status === 'online'
      },
      () => {},
    )
  }

  get isOnline(): boolean {
    return this.online
  }

  /** The acknowledged copy of message `id`, if the backend acknowledged it. */
  take(id: string): MessageInfo | undefined {
    const message = this.acknowledged.get(id)
    this.acknowledged.delete(id)
    return message
  }

  /**
   * Waits until every message of `pending` is acknowledged (each handed to `onAcknowledged` and
   * removed), or the connection is down, or none was acknowledged for `idleMs`.
   */
  async settle(
    pending: Map<string, MessageInfo>,
    idleMs: number,
    onAcknowledged: (message: MessageInfo) => void,
  ): Promise<void> {
    const collect = () => {
      let any = false
      for (const id of [...pending.keys()]) {
        const message = this.take(id)
        if (!message) continue
        pending.delete(id)
        onAcknowledged(message)
        any = true
      }
      return any
    }
    collect()
    while (pending.size > 0 && this.online) {
      const progressed = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), idleMs)
        this.wake = () => {
          if (!collect() && this.online && pending.size > 0) return
          clearTimeout(timer)
          resolve(true)
        }
      })
      this.wake = () => {}
      if (!progressed) return
    }
  }

  close(): void {
    for (const stop of this.stops) stop()
  }
}
