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
  /** In a browser, the link to the web host itself ('open' under Electron). */
  readonly bridge: BridgeStatus
}

export const emptyConnection = (): ConnectionSlice => ({
  status: 'unknown',
  outbox: 0,
  reason: null,
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
  applyConnection: (state) =>
    set({ status: state.status, outbox: state.outbox, reason: state.reason }),
  applyBridge: (bridge) => set({ bridge }),
  load: async () => {
    const state = await api().getConnectionState({})
    set({ status: state.status, outbox: state.outbox, reason: state.reason })
  },
  reset: () => set((state) => ({ ...emptyConnection(), bridge: state.bridge })),
}))

export type BannerState =
  | { readonly kind: 'none' }
  | { readonly kind: 'offline' | 'reconnecting' | 'waiting' | 'host'; readonly text: string }

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
  if (state.outbox > 0) return { kind: 'waiting', text: waiting(state.outbox) }
  return { kind: 'none' }
}
