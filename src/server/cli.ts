// `paracord-server`: parse flags and environment, start (with its own voice relay under
// `--turn managed`), and shut both down cleanly on a signal.
import { ConfigError, HELP_TEXT, parseCommandLine } from './config'
import { startServer } from './index'
import { requireTurnserver } from './turn/managed-coturn'
import { startServerWithManagedTurn } from './turn/server-with-turn'

async function main(): Promise<void> {
  let parsed
  try {
    parsed = parseCommandLine(process.argv.slice(2), process.env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`paracord-server: ${error.message} (see --help)\n`)
    process.exit(2)
  }
  if (parsed.help) {
    process.stdout.write(HELP_TEXT)
    return
  }
  const server =
    parsed.config.turnMode === 'managed'
      ? await startServerWithManagedTurn(parsed.config, requireTurnserver(process.env))
      : await startServer(parsed.config)
  server.app.log.info({ url: server.url }, `listening on ${server.url}`)

  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    server.app.log.info({ signal }, 'shutting down')
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(
    `paracord-server: ${error instanceof Error ? error.message : String(error)}\n`,
  )
  process.exit(1)
})
