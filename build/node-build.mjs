// The compiled Node programs (out/node: paracord-server, paracord, the embedded backend) are
// rebuilt whenever a source is newer than the build: by the tests before they start them, and
// by the bins in a source checkout, so a `git pull` never leaves them running old code.
// The renderer (out/renderer) likewise for the web host: built once and shared by every host,
// skipped when up to date, built under a lock into a folder of its own and then moved into
// place, so a host starting meanwhile never finds it half-written or missing.
import { mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SOURCES = ['src/server', 'src/cli', 'src/core', 'src/shared', 'vite.node.config.ts']
const BUILT = ['paracord-server.js', 'paracord.js', 'embedded-backend.js'].map((name) =>
  join('out/node', name),
)

async function newestMtime(path) {
  let info, entries
  try {
    info = await stat(path)
    if (!info.isDirectory()) return info.mtimeMs
    entries = await readdir(path)
  } catch (error) {
    // Deleted while the tree is walked (an editor's or a test's temporary file): nothing to build.
    if (error.code === 'ENOENT') return 0
    throw error
  }
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

const RENDERER_SOURCES = [
  'src/renderer',
  'src/shared',
  'electron.vite.config.ts',
  'package-lock.json',
]
export const RENDERER_DIR = join(ROOT, 'out/renderer')
/** A lock whose owner is gone, or older than any build takes, is taken over. */
const LOCK_MAX_AGE_MS = 10 * 60_000

/** True when `outDir` holds no index.html or one older than a source it is built from. */
export async function rendererBuildIsStale(outDir = RENDERER_DIR) {
  let built
  try {
    built = (await stat(join(outDir, 'index.html'))).mtimeMs
  } catch {
    return true
  }
  const sources = await Promise.all(RENDERER_SOURCES.map((path) => newestMtime(join(ROOT, path))))
  return Math.max(...sources) >= built
}

/**
 * Builds the renderer into `outDir` unless it is up to date; one build at a time (the others
 * wait for it, then find it up to date). `onWait` and `onBuild` say what is happening.
 */
export async function buildRendererIfStale(options = {}) {
  const outDir = options.outDir ?? RENDERER_DIR
  if (!(await rendererBuildIsStale(outDir))) return false
  return withLock(`${outDir}.lock`, options.onWait, async () => {
    if (!(await rendererBuildIsStale(outDir))) return false
    options.onBuild?.()
    // Stamped with the start, so a source saved during the build makes it stale again.
    const started = new Date()
    const next = `${outDir}.next-${process.pid}`
    await rm(next, { recursive: true, force: true })
    const [{ resolveConfig }, { build }] = await Promise.all([
      import('electron-vite'),
      import('vite'),
    ])
    const configFile = join(ROOT, 'electron.vite.config.ts')
    const resolved = await resolveConfig({ configFile, logLevel: 'error' }, 'build', 'production')
    const renderer = resolved.config?.renderer
    if (!renderer) throw new Error('electron.vite.config.ts has no renderer build')
    await build({
      ...renderer,
      logLevel: 'error',
      build: { ...renderer.build, outDir: next, emptyOutDir: true },
    })
    await utimes(join(next, 'index.html'), started, started)
    await replaceFolder(next, outDir)
    return true
  })
}

/** Puts `next` where `target` is; `target` is missing only between two renames. */
async function replaceFolder(next, target) {
  const old = `${target}.old-${process.pid}`
  await rm(old, { recursive: true, force: true })
  try {
    await rename(target, old)
  } catch (error) {
    if (error.code !== 'ENOENT') throw error
  }
  await rename(next, target)
  await rm(old, { recursive: true, force: true })
}

/** Runs `work` holding the lock folder `lock` (mkdir is atomic); waits while another holds it. */
async function withLock(lock, onWait, work) {
  await mkdir(join(lock, '..'), { recursive: true })
  for (let waited = false; ;) {
    try {
      await mkdir(lock)
      break
    } catch (error) {
      if (error.code !== 'EEXIST') throw error
    }
    if (await lockAbandoned(lock)) {
      await rm(lock, { recursive: true, force: true })
      continue
    }
    if (!waited) onWait?.()
    waited = true
    await delay(200)
  }
  try {
    await writeFile(join(lock, 'pid'), String(process.pid))
    return await work()
  } finally {
    await rm(lock, { recursive: true, force: true })
  }
}

async function lockAbandoned(lock) {
  let since
  try {
    since = (await stat(lock)).mtimeMs
  } catch {
    return false
  }
  if (Date.now() - since > LOCK_MAX_AGE_MS) return true
  const pid = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''))
  // Between mkdir and writing the pid the owner is alive by definition.
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return false
  } catch (error) {
    return error.code === 'ESRCH'
  }
}

// `node build/node-build.mjs renderer [OUT_DIR]`: what the web host runs before it starts, in a
// process of its own so the bundler's memory is given back.
if (
  import.meta.url === pathToFileURL(process.argv[1] ?? '').href &&
  process.argv[2] === 'renderer'
) {
  const outDir = process.argv[3]
  await buildRendererIfStale({
    ...(outDir ? { outDir } : {}),
    onWait: () => process.stderr.write('paracord: waiting for another build of the interface\n'),
    onBuild: () => process.stderr.write('paracord: building the interface\n'),
  })
}
