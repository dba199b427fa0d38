// The web host's flags and environment. Pure: it reads only what it is given.
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { parseServerUrl, ServerUrlError } from '../core/net/server-url'

export interface WebHostOptions {
  /** Where the client core keeps its files (and the embedded server its database). */
  readonly dataDir: string
  /** The paracord-server to use; null: start one on SQLite inside dataDir. */
  readonly serverUrl: string | null
  /** 0 picks a free port. */
  readonly port: number
}

export const DEFAULT_DATA_DIR = './data/web-default'

export const WEB_HOST_HELP = `Usage: npm run web -- [options]

Runs paracord in your browser: the client core in Node, the user interface served on
127.0.0.1 only, behind a link with a secret token printed at start.

Options (flags win over the environment variable in brackets):
  --data DIR      where this user's files live (default ${DEFAULT_DATA_DIR}) [PARACORD_DATA]
  --server URL    the paracord-server to use; without it a local one is started on SQLite
                  inside the data folder [PARACORD_SERVER]
  --port PORT     port to listen on, 0 picks a free one (default 0)
  --help          print this help and exit

Two users on one machine: run two hosts with different --data folders and the same --server.
`

export class WebHostOptionsError extends Error {}

export type ParsedWebHostArgs =
  { readonly help: true } | { readonly help: false; readonly options: WebHostOptions }

/** Reads flags and environment; throws WebHostOptionsError with a one-line reason. */
export function parseWebHostArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): ParsedWebHostArgs {
  let values
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        server: { type: 'string' },
        port: { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values
  } catch (error) {
    throw new WebHostOptionsError(error instanceof Error ? error.message : String(error))
  }
  if (values.help) return { help: true }

  const fromEnv = (name: string) => (env[name] === '' ? undefined : env[name])
  const dataDir = values.data ?? fromEnv('PARACORD_DATA') ?? DEFAULT_DATA_DIR
  if (dataDir.trim() === '') throw new WebHostOptionsError('--data names no folder')
  const server = values.server ?? fromEnv('PARACORD_SERVER') ?? null
  return {
    help: false,
    options: {
      dataDir: resolve(cwd, dataDir),
      serverUrl: server === null ? null : serverUrl(server),
      port: port(values.port ?? '0'),
    },
  }
}

function serverUrl(text: string): string {
  try {
    return parseServerUrl(text, '--server')
  } catch (error) {
    if (error instanceof ServerUrlError) throw new WebHostOptionsError(error.message)
    throw error
  }
}

function port(text: string): number {
  if (!/^\d{1,5}$/.test(text.trim()))
    throw new WebHostOptionsError(`--port must be a whole number; got "${text}"`)
  const value = Number(text.trim())
  if (value > 65535) throw new WebHostOptionsError(`--port must be at most 65535; got ${value}`)
  return value
}
