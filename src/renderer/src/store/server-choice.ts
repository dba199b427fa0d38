// The server the sign-in forms use: "This computer" (the server this app runs) or an address,
// shared by the register and log-in forms so switching between them keeps it. An address is
// checked by the core before anything of the account goes to it, and what is wrong is shown
// at the field. Settings read from here which account on this device lives on which server.
import { create } from 'zustand'
import type { AccountBackend, BackendChoice } from '../../../shared/api'
import { api } from './api'
import { useAuth, type SignInScreen } from './auth'
import { describeError } from './errors'

export type ServerKind = BackendChoice['kind']

export interface ServerChoiceSlice {
  readonly kind: ServerKind
  /** What is typed in the address field; kept while "This computer" is chosen. */
  readonly address: string
  /** Whether this app runs a server of its own; assumed until the core says. */
  readonly thisComputerOffered: boolean
  /** Every account on this device and the server it lives on. */
  readonly accounts: readonly AccountBackend[]
  /** Why the chosen server cannot be used, in words to show at the field. */
  readonly problem: string | null
  readonly checking: boolean
  /** Chosen by the person or filled in by a link: the core's suggestion no longer replaces it. */
  readonly chosen: boolean
}

export const emptyServerChoice = (): ServerChoiceSlice => ({
  kind: 'this_computer',
  address: '',
  thisComputerOffered: true,
  accounts: [],
  problem: null,
  checking: false,
  chosen: false,
})

export interface ServerChoiceActions {
  /** Reads what the core offers; its suggestion applies unless something was chosen. */
  readonly loadOptions: () => Promise<void>
  readonly chooseThisComputer: () => void
  readonly chooseAddress: () => void
  readonly typeAddress: (address: string) => void
  /**
   * Opens the signed-out forms with `address` filled in as the server (an invite link that
   * names its server); the person still sees it, and it is checked like a typed one.
   */
  readonly openWithServer: (address: string, screen?: SignInScreen) => void
  /** The server to sign in with, once the core found it usable; null (and a problem) if not. */
  readonly confirm: () => Promise<BackendChoice | null>
}

const THIS_COMPUTER: BackendChoice = { kind: 'this_computer' }

export const useServerChoice = create<ServerChoiceSlice & ServerChoiceActions>()((set, get) => ({
  ...emptyServerChoice(),
  loadOptions: async () => {
    let options
    try {
      options = await api().getBackendOptions({})
    } catch {
      return // The forms still work on what they assume; the core checks the choice anyway.
    }
    set({ thisComputerOffered: options.thisComputer, accounts: options.accounts })
    if (get().chosen) return
    const suggested = options.suggested
    set(
      suggested.kind === 'address'
        ? { kind: 'address', address: suggested.url }
        : { kind: 'this_computer' },
    )
  },
  chooseThisComputer: () => set({ kind: 'this_computer', problem: null, chosen: true }),
  chooseAddress: () => set({ kind: 'address', problem: null, chosen: true }),
  typeAddress: (address) => set({ kind: 'address', address, problem: null, chosen: true }),
  openWithServer: (address, screen = 'register') => {
    set({ kind: 'address', address, problem: null, chosen: true })
    useAuth.getState().showScreen(screen)
  },
  confirm: async () => {
    const { kind, address, checking } = get()
    if (checking) return null
    // The app's own server needs no look first: the core checks it as it signs in.
    if (kind === 'this_computer') return THIS_COMPUTER
    const typed = address.trim()
    if (typed === '') {
      set({ problem: 'Enter the server’s address, or choose This computer.' })
      return null
    }
    set({ checking: true, problem: null })
    try {
      const check = await api().checkBackend({ backend: { kind: 'address', url: typed } })
      if (!check.ok) {
        set({ checking: false, problem: check.message })
        return null
      }
      // What the core made of it (https:// added, the trailing slash gone) is what is used.
      const backend = check.backend
      set({
        checking: false,
        ...(backend.kind === 'address'
          ? { address: backend.url }
          : { kind: 'this_computer' as const }),
      })
      return backend
    } catch (error) {
      set({ checking: false, problem: describeError(error) })
      return null
    }
  },
}))
