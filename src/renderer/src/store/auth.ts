// Who is signed in, and whether the app is locked. The core owns the truth; this mirrors it
// and runs the sign-in forms' calls (which take a moment: Argon2id is deliberately slow).
import { create } from 'zustand'
import type { AuthState, AuthStatus } from '../../../shared/api'
import { api } from './api'
import { describeError } from './errors'

/** 'starting' until the API answers; 'unavailable' when it could not be reached at all. */
export type AuthPhase = 'starting' | 'unavailable' | AuthStatus

export interface AuthSlice {
  readonly phase: AuthPhase
  readonly name: string | null
  readonly userId: string | null
  /** A sign-in, registration or unlock is running. */
  readonly busy: boolean
  readonly error: string | null
}

export const emptyAuth = (): AuthSlice => ({
  phase: 'starting',
  name: null,
  userId: null,
  busy: false,
  error: null,
})

export interface AuthActions {
  readonly applyAuth: (state: AuthState) => void
  readonly startFailed: (message: string) => void
  readonly register: (name: string, password: string) => Promise<void>
  readonly login: (name: string, password: string) => Promise<void>
  readonly unlock: (password: string) => Promise<void>
  readonly lock: () => Promise<void>
  readonly logout: () => Promise<void>
  readonly clearError: () => void
}

export const useAuth = create<AuthSlice & AuthActions>()((set, get) => {
  /** Runs one credential call with the busy state and plain-words errors. */
  async function withCredentials(call: () => Promise<AuthState>): Promise<void> {
    if (get().busy) return
    set({ busy: true, error: null })
    try {
      get().applyAuth(await call())
      set({ busy: false })
    } catch (error) {
      set({ busy: false, error: describeError(error) })
    }
  }

  return {
    ...emptyAuth(),
    applyAuth: (state) => set({ phase: state.status, name: state.name, userId: state.userId }),
    startFailed: (message) => set({ phase: 'unavailable', error: message }),
    register: (name, password) => withCredentials(() => api().register({ name, password })),
    login: (name, password) => withCredentials(() => api().login({ name, password })),
    unlock: (password) => withCredentials(() => api().unlock({ password })),
    lock: () => withCredentials(() => api().lock({})),
    logout: () => withCredentials(() => api().logout({})),
    clearError: () => set({ error: null }),
  }
})
