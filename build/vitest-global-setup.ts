// Tests that start `paracord-server` or `paracord` run the compiled programs (what `npm install`
// ships), so a test run first compiles them when any source is newer than the last build.
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { build } from 'vite'

const ROOT = new URL('..', import.meta.url).pathname
const SOURCES = ['src/server', 'src/cli', 'src/core', 'src/shared', 'vite.node.config.ts']
const BUILT = [
  'out/node/paracord-server.js',
  'out/node/paracord.js',
  'out/node/embedded-backend.js',
]

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path)
  if (!info.isDirectory()) return info.mtimeMs
  const entries = await readdir(path)
  const times = await Promise.all(entries.map((entry) => newestMtime(join(path, entry))))
  return Math.max(info.mtimeMs, ...times)
}

async function oldestBuilt(): Promise<number> {
  try {
    const times = await Promise.all(
      BUILT.map(async (file) => (await stat(join(ROOT, file))).mtimeMs),
    )
    return Math.min(...times)
  } catch {
    return 0
  }
}

export default async function setup(): Promise<void> {
  const sources = await Promise.all(SOURCES.map((path) => newestMtime(join(ROOT, path))))
  if (Math.max(...sources) < (await oldestBuilt())) return
  await build({ configFile: join(ROOT, 'vite.node.config.ts'), logLevel: 'warn' })
}
