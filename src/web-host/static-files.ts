// Serves the built renderer from one folder: known content types, nothing outside the folder
// (no `..`, no encoded `..`, no backslashes, no symlinks out), and index.html for unknown paths
// only when a browser navigates (so a missing script is a 404, not HTML).
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, sep } from 'node:path'
import { contentTypeOf, safeRelativePath } from '../shared/renderer-files'

export type StaticHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  headers: Record<string, string>,
) => Promise<void>

/** `root` must exist; it is resolved once so symlinks inside it cannot lead out. */
export async function createStaticHandler(root: string): Promise<StaticHandler> {
  const realRoot = await realpath(root)
  const indexFile = join(realRoot, 'index.html')

  return async (request, response, headers) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return plain(response, 405, 'method not allowed', { ...headers, Allow: 'GET, HEAD' })
    }
    const relative = safeRelativePath(request.url ?? '/')
    if (relative === null) return plain(response, 400, 'bad path', headers)

    const file = relative === '' ? indexFile : await fileInside(realRoot, relative)
    if (file !== null) return send(request, response, file, headers)
    if (isNavigation(request, relative)) return send(request, response, indexFile, headers)
    return plain(response, 404, 'not found', headers)
  }
}

async function fileInside(realRoot: string, relative: string): Promise<string | null> {
  try {
    const real = await realpath(join(realRoot, relative))
    if (!real.startsWith(realRoot + sep)) return null
    return (await stat(real)).isFile() ? real : null
  } catch {
    return null
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
