// What the desktop app takes from its environment. The data folder is Electron's userData
// unless PARACORD_DATA names another (two users on one machine, the end-to-end tests); the
// server is PARACORD_SERVER, validated as the web host validates --server, else a local one is
// started. The dev server URL is honoured only when the app is not packaged: an installed app
// never loads its page from a URL that an environment variable can point elsewhere.
import { isAbsolute, resolve } from 'node:path'
import { parseServerUrl, ServerUrlError } from '../../core/net/server-url'

export interface ShellOptions {
  readonly dataDir: string
  /** null: start a local paracord-server on SQLite inside dataDir. */
  readonly serverUrl: string | null
  /** electron-vite's dev server, or null to serve the built renderer on app://. */
  readonly devServerUrl: string | null
}

export class ShellOptionsError extends Error {}

export interface ShellEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly isPackaged: boolean
  /** app.getPath('userData'). */
  readonly userDataDir: string
  readonly cwd: string
}

export function shellOptions({
  env,
  isPackaged,
  userDataDir,
  cwd,
}: ShellEnvironment): ShellOptions {
  const value = (name: string) => (env[name]?.trim() ? env[name].trim() : null)
  const data = value('PARACORD_DATA')
  const server = value('PARACORD_SERVER')
  const dev = isPackaged ? null : value('ELECTRON_RENDERER_URL')
  return {
    dataDir: data === null ? userDataDir : isAbsolute(data) ? data : resolve(cwd, data),
    serverUrl: server === null ? null : validServerUrl(server),
    devServerUrl: dev === null ? null : loopbackDevServer(dev),
  }
}

function validServerUrl(text: string): string {
  try {
    return parseServerUrl(text, 'PARACORD_SERVER')
  } catch (error) {
    if (error instanceof ServerUrlError) throw new ShellOptionsError(error.message)
    throw error
  }
}

/** The dev server runs on this machine; a page from anywhere else is never loaded. */
function loopbackDevServer(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new ShellOptionsError(`ELECTRON_RENDERER_URL is not a URL: "${text}"`)
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  if (url.protocol !== 'http:' || !loopback)
    throw new ShellOptionsError(`ELECTRON_RENDERER_URL must be http on this machine; got "${text}"`)
  return url.origin
}
