// The BrowserWindow's webPreferences, following Electron's security checklist: the page gets
// no Node, runs in Chromium's sandbox, in its own JavaScript world apart from the preload, with
// the same-origin policy on, and cannot embed <webview>, run insecure content or reach
// experimental platform features.
export interface SecureWebPreferences {
  readonly preload: string
  readonly contextIsolation: true
  readonly sandbox: true
  readonly nodeIntegration: false
  readonly nodeIntegrationInWorker: false
  readonly nodeIntegrationInSubFrames: false
  readonly webSecurity: true
  readonly allowRunningInsecureContent: false
  readonly webviewTag: false
  readonly experimentalFeatures: false
  readonly enableBlinkFeatures: ''
  readonly navigateOnDragDrop: false
  readonly safeDialogs: true
  readonly spellcheck: boolean
  readonly devTools: boolean
}

export interface WebPreferencesOptions {
  /** Absolute path of the built preload (out/preload/index.cjs). */
  readonly preloadPath: string
  /** Developer tools only under `electron-vite dev`: a packaged app has none. */
  readonly development: boolean
}

export function secureWebPreferences(options: WebPreferencesOptions): SecureWebPreferences {
  if (!options.preloadPath.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(options.preloadPath))
    throw new Error(`the preload path must be absolute; got "${options.preloadPath}"`)
  return {
    preload: options.preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    navigateOnDragDrop: false,
    safeDialogs: true,
    // The spell checker would download dictionaries from a CDN on Windows and Linux.
    spellcheck: false,
    devTools: options.development,
  }
}
