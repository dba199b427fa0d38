// Serves the built renderer on app://paracord/ from one folder, as the page's own privileged
// origin. Paths are checked twice: lexically (no `..`, no encoded separators, no dot-files:
// src/shared/renderer-files.ts) and after resolving symlinks (src/shared/renderer-folder.ts: the
// real file must lie inside the real folder), the same checks the web host makes. Written
// against the Fetch API's Request and Response, which both Electron's protocol.handle and Node
// have, so it is tested without Electron.
import { readFile } from 'node:fs/promises'
import { openRendererFolder } from '../../shared/renderer-folder'
import { contentTypeOf, safeRelativePath } from '../../shared/renderer-files'
import { APP_HOST, APP_SCHEME } from './app-origin'
import { contentSecurityPolicy } from './csp'

export type AppProtocolHandler = (request: Request) => Promise<Response>

/**
 * The file a request names, relative to the renderer folder ('' means index.html), or null
 * when the URL is not the app's or tries to leave the folder.
 */
export function appRelativePath(requestUrl: string): string | null {
  let url: URL
  try {
    url = new URL(requestUrl)
  } catch {
    return null
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null
  if (url.username !== '' || url.password !== '') return null
  const relative = safeRelativePath(url.pathname)
  if (relative === null) return null
  return relative === '' ? 'index.html' : relative
}

/** `rendererDir` must exist; it is resolved once so that symlinks inside cannot lead out. */
export async function createAppProtocolHandler(rendererDir: string): Promise<AppProtocolHandler> {
  const folder = await openRendererFolder(rendererDir)
  const headers = (contentType: string): Record<string, string> => ({
    'Content-Type': contentType,
    'Content-Security-Policy': contentSecurityPolicy('packaged'),
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  })
  const plain = (status: number, text: string) =>
    new Response(`${text}\n`, { status, headers: headers('text/plain; charset=utf-8') })

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return plain(405, 'method not allowed')
    }
    const relative = appRelativePath(request.url)
    if (relative === null) return plain(400, 'bad path')
    const file = await folder.fileInside(relative)
    if (file === null) return plain(404, 'not found')
    const body = request.method === 'HEAD' ? null : await readFile(file)
    return new Response(body, { status: 200, headers: headers(contentTypeOf(file)) })
  }
}
