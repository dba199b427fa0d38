// Who is signed in, and whether the app is locked. The core owns the truth; this mirrors it
// and runs the sign-in forms' calls (which take a moment: Argon2id is deliberately slow).
import { create } from 'zustand'
import type { AuthState, AuthStatus, BackendChoice } from '../../../shared/api'
import { api } from './api'
import { describeError, describeSignInError } from './errors'

/** 'starting' until the API answers; 'unavailable' when it could not be reached at all. */
export type AuthPhase = 'starting' | 'unavailable' | AuthStatus

/** Which form the signed-out app shows. */
export type SignInScreen = 'register' | 'login'

export interface AuthSlice {
  readonly phase: AuthPhase
  readonly name: string | null
  readonly userId: string | null
  /** A sign-in, registration or unlock is running. */
  readonly busy: boolean
  readonly error: string | null
  readonly screen: SignInScreen
}

export const emptyAuth = (): AuthSlice => ({
  phase: 'starting',
  name: null,
  userId: null,
  busy: false,
  error: null,
  screen: 'register',
})

export interface AuthActions {
  readonly applyAuth: (state: AuthState) => void
  readonly startFailed: (message: string) => void
  /** Shows the register or log-in form, without the other's error. */
  readonly showScreen: (screen: SignInScreen) => void
  /** `backend`: the server chosen on the form (store/server-choice.ts). */
  readonly register: (name: string, password: string, backend?: BackendChoice) => Promise<void>
  readonly login: (name: string, password: string, backend?: BackendChoice) => Promise<void>
  readonly unlock: (password: string) => Promise<void>
  readonly lock: () => Promise<void>
  readonly logout: () => Promise<void>
  readonly clearError: () => void
}

export const useAuth = create<AuthSlice & AuthActions>()((set, get) => {
  /** Runs one credential call with the busy state and plain-words errors. */
  async function withCredentials(
    call: () => Promise<AuthState>,
    describe: (error: unknown) => string = describeError,
  ): Promise<void> {
    if (get().busy) return
    set({ busy: true, error: null })
    try {
      get().applyAuth(await call())
      set({ busy: false })
    } catch (error) {
      set({ busy: false, error: describe(error) })
    }
  }

  return {
    ...emptyAuth(),
    applyAuth: (state) => set({ phase: state.status, name: state.name, userId: state.userId }),
    startFailed: (message) => set({ phase: 'unavailable', error: message }),
    showScreen: (screen) => set({ screen, error: null }),
    register: (name, password, backend) =>
      withCredentials(() => api().register({ name, password, ...(backend && { backend }) })),
    login: (name, password, backend) =>
      withCredentials(
        () => api().login({ name, password, ...(backend && { backend }) }),
        describeSignInError,
      ),
    unlock: (password) => withCredentials(() => api().unlock({ password })),
    lock: () => withCredentials(() => api().lock({})),
    logout: () => withCredentials(() => api().logout({})),
    clearError: () => set({ error: null }),
  }
})
