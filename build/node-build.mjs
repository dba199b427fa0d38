// The compiled Node programs (out/node: paracord-server, paracord, the embedded backend) are
// rebuilt whenever a source is newer than the build: by the tests before they start them, and
// by the bins in a source checkout, so a `git pull` never leaves them running old code.
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SOURCES = ['src/server', 'src/cli', 'src/core', 'src/shared', 'vite.node.config.ts']
const BUILT = ['paracord-server.js', 'paracord.js', 'embedded-backend.js'].map((name) =>
  join('out/node', name),
)

async function newestMtime(path) {
  const info = await stat(path)
  if (!info.isDirectory()) return info.mtimeMs
  const entries = await readdir(path)
  const times = await Promise.all(entries.map((entry) => newestMtime(join(path, entry))))
  return Math.max(info.mtimeMs, ...times)
}

async function oldestBuilt() {
  try {
    const times = await Promise.all(
      BUILT.map(async (file) => (await stat(join(ROOT, file))).mtimeMs),
    )
    return Math.min(...times)
  } catch {
    return 0
  }
}

/** True when out/node is missing or older than a source it is built from. */
export async function nodeBuildIsStale() {
  const sources = await Promise.all(SOURCES.map((path) => newestMtime(join(ROOT, path))))
  return Math.max(...sources) >= (await oldestBuilt())
}

/** Builds out/node when it is stale; vite is a devDependency, present in a source checkout. */
export async function buildNodeIfStale() {
  if (!(await nodeBuildIsStale())) return false
  const { build } = await import('vite')
  await build({ configFile: join(ROOT, 'vite.node.config.ts'), logLevel: 'warn' })
  return true
}
