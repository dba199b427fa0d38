// `npm run web`: the client core in Node, the user interface in the browser. Prints the link to
// open and shuts down cleanly on SIGINT/SIGTERM.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseWebHostArgs, WEB_HOST_HELP, WebHostOptionsError } from './options'
import { startWebApp } from './web-app'

const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer/', import.meta.url))

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
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    process.stderr.write('paracord web: the user interface is not built; run `npm run web`\n')
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

main().catch((error: unknown) => {
  process.stderr.write(`paracord web: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
