// What the user is looking at: the selected server and channel, the open dialog, drafts kept
// per channel, the message being edited, whether the member list shows, where focus should go
// next, and short notices.
import { create } from 'zustand'
import type { ChannelKind } from '../../../shared/api'

export type DialogState =
  /** `invite`, `error`: an invite that could not be joined after sign-in, and why. */
  | { readonly kind: 'addServer'; readonly invite?: string; readonly error?: string }
  | { readonly kind: 'quickSwitcher' }
  | { readonly kind: 'settings' }
  | {
      readonly kind: 'createChannel'
      readonly serverId: string
      readonly channelKind?: ChannelKind
    }
  | { readonly kind: 'editChannel'; readonly serverId: string; readonly channelId: string }
  | { readonly kind: 'invites'; readonly serverId: string }
  | { readonly kind: 'leaveServer'; readonly serverId: string }
  | { readonly kind: 'member'; readonly serverId: string; readonly userId: string }

export interface Notice {
  readonly id: number
  readonly tone: 'info' | 'warning'
  readonly text: string
}

export interface EditingMessage {
  readonly channelKey: string
  readonly messageId: string
}

export interface UiSlice {
  readonly selectedServerId: string | null
  /** The channel last open in each server, so returning to a server returns to it. */
  readonly channelByServer: Readonly<Record<string, string>>
  readonly dialog: DialogState | null
  readonly drafts: Readonly<Record<string, string>>
  readonly editing: EditingMessage | null
  /** The member list beside the messages, when the window is wide enough for it (default on). */
  readonly membersHiddenWide: boolean
  /** The member list over the messages, in a narrow window (default off). */
  readonly membersOpenNarrow: boolean
  /**
   * After signing in, creating or joining a server: the main view's first control (the composer,
   * or what to do first) takes focus once it is there and no dialog is open.
   */
  readonly mainFocusPending: boolean
  readonly notices: readonly Notice[]
}

export const emptyUi = (): UiSlice => ({
  selectedServerId: null,
  channelByServer: {},
  dialog: null,
  drafts: {},
  editing: null,
  membersHiddenWide: false,
  membersOpenNarrow: false,
  mainFocusPending: false,
  notices: [],
})

export const MAX_NOTICES = 4

let nextNoticeId = 1

export interface UiActions {
  readonly selectServer: (serverId: string | null) => void
  readonly selectChannel: (serverId: string, channelId: string) => void
  readonly forgetServer: (serverId: string) => void
  readonly openDialog: (dialog: DialogState) => void
  readonly closeDialog: () => void
  readonly setDraft: (channelKey: string, text: string) => void
  readonly startEditing: (editing: EditingMessage) => void
  readonly stopEditing: () => void
  /** Shows or hides the member list; `narrow` says which of the two layouts is on screen. */
  readonly toggleMembers: (narrow: boolean) => void
  readonly requestMainFocus: () => void
  readonly mainFocusDone: () => void
  readonly pushNotice: (tone: Notice['tone'], text: string) => number
  readonly dismissNotice: (id: number) => void
  readonly reset: () => void
}

export const useUi = create<UiSlice & UiActions>()((set) => ({
  ...emptyUi(),
  selectServer: (serverId) => set({ selectedServerId: serverId, editing: null }),
  selectChannel: (serverId, channelId) =>
    set((state) => ({
      selectedServerId: serverId,
      channelByServer: { ...state.channelByServer, [serverId]: channelId },
      editing: null,
    })),
  forgetServer: (serverId) =>
    set((state) => {
      const { [serverId]: _gone, ...channelByServer } = state.channelByServer
      const drafts = Object.fromEntries(
        Object.entries(state.drafts).filter(([key]) => !key.startsWith(`${serverId}/`)),
      )
      const dialogServer = state.dialog && 'serverId' in state.dialog ? state.dialog.serverId : null
      return {
        channelByServer,
        drafts,
        selectedServerId: state.selectedServerId === serverId ? null : state.selectedServerId,
        dialog: dialogServer === serverId ? null : state.dialog,
      }
    }),
  // A person who opens a dialog has moved on: a focus request still waiting is dropped.
  openDialog: (dialog) => set({ dialog, mainFocusPending: false }),
  closeDialog: () => set({ dialog: null }),
  setDraft: (channelKey, text) =>
    set((state) => {
      if (text === '') {
        const { [channelKey]: _cleared, ...drafts } = state.drafts
        return { drafts }
      }
      return { drafts: { ...state.drafts, [channelKey]: text } }
    }),
  startEditing: (editing) => set({ editing }),
  stopEditing: () => set({ editing: null }),
  toggleMembers: (narrow) =>
    set((state) =>
      narrow
        ? { membersOpenNarrow: !state.membersOpenNarrow }
        : { membersHiddenWide: !state.membersHiddenWide },
    ),
  requestMainFocus: () => set((state) => ({ mainFocusPending: state.dialog === null })),
  mainFocusDone: () => set({ mainFocusPending: false }),
  pushNotice: (tone, text) => {
    const id = nextNoticeId++
    set((state) => ({ notices: [...state.notices, { id, tone, text }].slice(-MAX_NOTICES) }))
    return id
  },
  dismissNotice: (id) => set((state) => ({ notices: state.notices.filter((n) => n.id !== id) })),
  reset: () => set(emptyUi()),
}))
