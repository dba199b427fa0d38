// Serves the built renderer from one folder: known content types, nothing outside the folder
// (no `..`, no encoded `..`, no backslashes, no symlinks out), and index.html for unknown paths
// only when a browser navigates (so a missing script is a 404, not HTML).
//
// Hand-written on purpose rather than sirv: sirv follows a symlink out of its folder (it
// indexes with statSync and checks paths lexically only), fails to start on a dangling link,
// serves every method, and in its per-request mode serves dotfiles. The checks here are the
// app:// protocol's own, from src/shared.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join } from 'node:path'
import { openRendererFolder } from '../shared/renderer-folder'
import { contentTypeOf, safeRelativePath } from '../shared/renderer-files'

export type StaticHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  headers: Record<string, string>,
) => Promise<void>

/** `root` must exist; it is resolved once so symlinks inside it cannot lead out. */
export async function createStaticHandler(root: string): Promise<StaticHandler> {
  const folder = await openRendererFolder(root)
  const indexFile = join(folder.root, 'index.html')

  return async (request, response, headers) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return plain(response, 405, 'method not allowed', { ...headers, Allow: 'GET, HEAD' })
    }
    const relative = safeRelativePath(request.url ?? '/')
    if (relative === null) return plain(response, 400, 'bad path', headers)

    const file = await folder.fileInside(relative === '' ? 'index.html' : relative)
    if (file !== null) return send(request, response, file, headers)
    if (isNavigation(request, relative)) return send(request, response, indexFile, headers)
    return plain(response, 404, 'not found', headers)
  }
}

/** A browser loading a page (not a script, image or fetch) at a path without an extension. */
function isNavigation(request: IncomingMessage, relative: string): boolean {
  if (request.method !== 'GET' || extname(relative) !== '') return false
  const mode = request.headers['sec-fetch-mode']
  if (mode !== undefined) return mode === 'navigate'
  return (request.headers.accept ?? '').includes('text/html')
}

async function send(
  request: IncomingMessage,
  response: ServerResponse,
  file: string,
  headers: Record<string, string>,
): Promise<void> {
  const { size } = await stat(file)
  response.writeHead(200, {
    ...headers,
    'Content-Type': contentTypeOf(file),
    'Content-Length': String(size),
  })
  if (request.method === 'HEAD') return void response.end()
  await new Promise<void>((resolve) => {
    const stream = createReadStream(file)
    stream.on('error', () => {
      response.destroy()
      resolve()
    })
    stream.on('end', resolve)
    stream.pipe(response)
  })
}

export function plain(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string>,
): void {
  const body = `${text}\n`
  response.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
  })
  response.end(body)
}
