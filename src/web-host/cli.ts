// `npm run web`: the client core in Node, the user interface in the browser. Builds the
// interface if it is out of date (once, shared with any other host starting meanwhile), prints
// the link to open and shuts down cleanly on SIGINT/SIGTERM.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { RENDERER_DIR, rendererBuildIsStale } from '../../build/node-build.mjs'
import { parseWebHostArgs, WEB_HOST_HELP, WebHostOptionsError } from './options'
import { startWebApp } from './web-app'
import { DEFAULT_LOCK_AFTER_LAST_PAGE_MS } from './web-host'

const BUILD_SCRIPT = fileURLToPath(new URL('../../build/node-build.mjs', import.meta.url))

async function main(): Promise<void> {
  let parsed
  try {
    parsed = parseWebHostArgs(process.argv.slice(2), process.env, process.cwd())
  } catch (error) {
    if (!(error instanceof WebHostOptionsError)) throw error
    process.stderr.write(`paracord web: ${error.message} (see --help)\n`)
    process.exit(2)
  }
  if (parsed.help) return void process.stdout.write(WEB_HOST_HELP)
  if (await rendererBuildIsStale(RENDERER_DIR)) await buildInterface()
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    process.stderr.write(`paracord web: the user interface is missing from ${RENDERER_DIR}\n`)
    process.exit(1)
  }

  const { options } = parsed
  // Loaded only now, so --help and a bad flag answer at once.
  const { createParacordCore } = await import('../core/paracord-core')
  const { EmbeddedBackendError } = await import('../core/backend-process')
  const app = await startWebApp({
    ...options,
    rendererDir: RENDERER_DIR,
    createCore: (core) => createParacordCore(core),
    onInternalError: (method, error) => {
      if (error instanceof EmbeddedBackendError)
        process.stderr.write(`paracord web: ${error.message}\n`)
      else console.error(`paracord web: ${method} failed:`, error)
    },
    onBackendOutput: (text) => process.stderr.write(text),
  })
  process.stdout.write(
    [
      `paracord is running for the data in ${options.dataDir}`,
      `server: ${app.serverUrl}${app.embeddedServer ? ' (local, started with this host)' : ''}`,
      '',
      'Open this link in your browser. It holds this run’s secret: do not share it.',
      '',
      `  ${app.host.openUrl}`,
      '',
      'Anyone on this computer who opens it while this runs uses your account as you left it:',
      'unlocked while a page of it is open; locked, asking for your password, from',
      `${DEFAULT_LOCK_AFTER_LAST_PAGE_MS / 1000} s after the last page closes.`,
      '',
    ].join('\n') + '\n',
  )

  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    process.stdout.write('paracord web: shutting down\n')
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('paracord web: shutdown failed:', error)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

/** Builds out/renderer in a process of its own (the bundler's memory is not kept), or exits. */
async function buildInterface(): Promise<void> {
  const child = spawn(process.execPath, [BUILD_SCRIPT, 'renderer', RENDERER_DIR], {
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const stop = () => child.kill('SIGTERM')
  process.once('SIGINT', stop).once('SIGTERM', stop)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  )
  process.off('SIGINT', stop).off('SIGTERM', stop)
  if (signal !== null) process.exit(1)
  if (code !== 0) {
    process.stderr.write('paracord web: the user interface could not be built (see above)\n')
    process.exit(1)
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`paracord web: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
