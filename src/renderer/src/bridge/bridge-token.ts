// The web host's per-run token reaches the page in the URL fragment (#token=…), which browsers
// never send to a server. The page keeps it for this tab only (sessionStorage, so a reload
// works) and takes it out of the address bar, history and any screenshot.

export const TOKEN_STORAGE_KEY = 'paracord.bridgeToken'
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,128}$/

export interface TokenLocation {
  readonly hash: string
  readonly pathname: string
  readonly search: string
}
export interface TokenHistory {
  readonly state: unknown
  replaceState(data: unknown, unused: string, url?: string): void
}
export interface TokenStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

/** The token from the fragment (stored, then removed from the address bar) or from this tab's storage. */
export function takeBridgeToken(
  location: TokenLocation,
  history: TokenHistory,
  storage: TokenStorage | null,
): string | null {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token')
  if (fromHash !== null) {
    history.replaceState(history.state, '', location.pathname + location.search)
    if (!TOKEN_PATTERN.test(fromHash)) return null
    try {
      storage?.setItem(TOKEN_STORAGE_KEY, fromHash)
    } catch {
      // Storage may be disabled; the token still works until the tab reloads.
    }
    return fromHash
  }
  try {
    const stored = storage?.getItem(TOKEN_STORAGE_KEY) ?? null
    return stored !== null && TOKEN_PATTERN.test(stored) ? stored : null
  } catch {
    return null
  }
}
