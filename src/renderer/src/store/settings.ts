// The signed-in user's profile and settings, and the theme (remembered on this device so the
// sign-in screens match it too).
import { create } from 'zustand'
import type { ApiInput, AuthState, Profile, Settings } from '../../../shared/api'
import { api } from './api'
import { useAuth } from './auth'
import { attempt, type Outcome } from './outcome'

export type Theme = Settings['theme']

const THEME_KEY = 'paracord.theme'

function rememberedTheme(): Theme {
  if (typeof localStorage === 'undefined') return 'dark'
  return localStorage.getItem(THEME_KEY) === 'light' ? 'light' : 'dark'
}

function rememberTheme(theme: Theme): void {
  if (typeof localStorage !== 'undefined') localStorage.setItem(THEME_KEY, theme)
}

export interface SettingsSlice {
  readonly profile: Profile | null
  readonly settings: Settings | null
  readonly theme: Theme
}

export const emptySettings = (): SettingsSlice => ({
  profile: null,
  settings: null,
  theme: rememberedTheme(),
})

export interface SettingsActions {
  readonly load: () => Promise<void>
  readonly updateProfile: (input: ApiInput<'updateProfile'>) => Promise<Outcome<Profile>>
  readonly updateSettings: (patch: ApiInput<'updateSettings'>) => Promise<Outcome<Settings>>
  readonly changePassword: (currentPassword: string, newPassword: string) => Promise<Outcome<null>>
  readonly deleteAccount: (password: string) => Promise<Outcome<AuthState>>
  readonly reset: () => void
}

export const useSettings = create<SettingsSlice & SettingsActions>()((set, get) => ({
  ...emptySettings(),
  load: async () => {
    const [profile, settings] = await Promise.all([api().getProfile({}), api().getSettings({})])
    rememberTheme(settings.theme)
    set({ profile, settings, theme: settings.theme })
  },
  updateProfile: async (input) => {
    const outcome = await attempt(() => api().updateProfile(input))
    if (outcome.ok) set({ profile: outcome.value })
    return outcome
  },
  updateSettings: async (patch) => {
    // The theme switches at once; anything else waits for the core to agree.
    const before = get().theme
    if (patch.theme) set({ theme: patch.theme })
    const outcome = await attempt(() => api().updateSettings(patch))
    if (outcome.ok) {
      rememberTheme(outcome.value.theme)
      set({ settings: outcome.value, theme: outcome.value.theme })
    } else set({ theme: before })
    return outcome
  },
  changePassword: (currentPassword, newPassword) =>
    attempt(() => api().changePassword({ currentPassword, newPassword })),
  deleteAccount: async (password) => {
    const outcome = await attempt(() => api().deleteAccount({ password }))
    if (outcome.ok) useAuth.getState().applyAuth(outcome.value)
    return outcome
  },
  reset: () => set({ profile: null, settings: null }),
}))
