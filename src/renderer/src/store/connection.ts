// The link to the paracord server as the core reports it, and the outbox waiting on it.
import { create } from 'zustand'
import type { ConnectionState } from '../../../shared/api'
import { HOST_GONE_MESSAGE, STALE_LINK_MESSAGE, type BridgeStatus } from '../bridge'
import { api } from './api'

export interface ConnectionSlice {
  /** 'unknown' until the core first reports. */
  readonly status: ConnectionState['status'] | 'unknown'
  readonly outbox: number
  readonly reason: string | null
  /** Until when sending waits because the server asked to slow down (ms since epoch). */
  readonly sendingPausedUntil: number | null
  /** In a browser, the link to the web host itself ('open' under Electron). */
  readonly bridge: BridgeStatus
}

export const emptyConnection = (): ConnectionSlice => ({
  status: 'unknown',
  outbox: 0,
  reason: null,
  sendingPausedUntil: null,
  bridge: 'open',
})

export interface ConnectionActions {
  readonly applyConnection: (state: ConnectionState) => void
  readonly applyBridge: (status: BridgeStatus) => void
  readonly load: () => Promise<void>
  readonly reset: () => void
}

export const useConnection = create<ConnectionSlice & ConnectionActions>()((set) => ({
  ...emptyConnection(),
  applyConnection: (state) => set(fromCore(state)),
  applyBridge: (bridge) => set({ bridge }),
  load: async () => set(fromCore(await api().getConnectionState({}))),
  reset: () => set((state) => ({ ...emptyConnection(), bridge: state.bridge })),
}))

function fromCore(state: ConnectionState): Omit<ConnectionSlice, 'bridge'> {
  return {
    status: state.status,
    outbox: state.outbox,
    reason: state.reason,
    sendingPausedUntil: state.sendingPausedUntil,
  }
}

export type BannerState =
  | { readonly kind: 'none' }
  | { readonly kind: 'offline' | 'reconnecting' | 'waiting' | 'host'; readonly text: string }
  /** Counts down to `until` (see retryCountdown). */
  | { readonly kind: 'paused'; readonly text: string; readonly until: number }

function waiting(outbox: number): string {
  return outbox === 1 ? '1 message waiting to send' : `${outbox} messages waiting to send`
}

/** What the connection banner says, if anything. */
export function selectBanner(state: ConnectionSlice): BannerState {
  if (state.bridge === 'reconnecting' || state.bridge === 'closed') {
    return { kind: 'host', text: HOST_GONE_MESSAGE }
  }
  if (state.bridge === 'refused') return { kind: 'host', text: STALE_LINK_MESSAGE }
  const queue = state.outbox > 0 ? ` · ${waiting(state.outbox)}` : ''
  if (state.status === 'offline') {
    return { kind: 'offline', text: `You're offline. Messages will send when you're back.${queue}` }
  }
  if (state.status === 'connecting') return { kind: 'reconnecting', text: `Reconnecting…${queue}` }
  if (state.sendingPausedUntil !== null) {
    const until = state.sendingPausedUntil
    return { kind: 'paused', text: 'Sending paused: the server asked to slow down.', until }
  }
  if (state.outbox > 0) return { kind: 'waiting', text: waiting(state.outbox) }
  return { kind: 'none' }
}

const SECOND = 1000
const MINUTE = 60 * SECOND

/**
 * "Trying again in 4s" while a paused outbox waits until `until`: seconds for the last minute,
 * whole minutes (rounded up) before; "Trying again now" once it is due.
 */
export function retryCountdown(until: number, now: number): string {
  const left = until - now
  if (left <= 0) return 'Trying again now'
  if (left <= MINUTE) return `Trying again in ${Math.ceil(left / SECOND)}s`
  return `Trying again in ${Math.ceil(left / MINUTE)}m`
}

/** The same in words, for screen readers: "Trying again in 4 seconds". */
export function retryCountdownInWords(until: number, now: number): string {
  const left = until - now
  if (left <= 0) return 'Trying again now'
  const [amount, unit] =
    left <= MINUTE ? [Math.ceil(left / SECOND), 'second'] : [Math.ceil(left / MINUTE), 'minute']
  return `Trying again in ${amount} ${unit}${amount === 1 ? '' : 's'}`
}
