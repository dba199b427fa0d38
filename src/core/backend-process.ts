// The embedded backend in a process of its own, supervised: when no server is configured, every
// host (the desktop app, the web host, `paracord --server local`) runs src/server/embedded.ts
// beside it, so SQLite's fsyncs, group commits and burn sweeps never stall the event loop that
// holds the keys and, on the desktop, serves the window. The supervisor starts the process,
// hands it a secret made for this launch over its IPC channel (never its command line or
// environment: other processes of the user can read those), waits for it to report its address
// and checks GET /healthz, restarts it once on the same port and with the same secret if it dies
// (the core keeps its server URL and secret), says so through onError each time, and stops it
// with the app. The backend answers only requests carrying the secret, so only the core this
// host gives `access` to can use it. The port is remembered in the data folder and asked for
// again on the next run: an account's profile keeps the URL it was registered with. How the process is made is the
// host's choice (LaunchBackend): Electron's utilityProcess on the desktop, child_process.fork
// (forkBackend) elsewhere.
import { fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  EMBEDDED_BACKEND_ENV,
  EMBEDDED_SECRET_HEADER,
  parseEmbeddedBackendReport,
  type EmbeddedBackendCommand,
  type EmbeddedBackendReport,
} from '../shared/embedded-backend'
import type { EmbeddedBackendAccess } from './net/embedded-access'

/** A started backend process, as the supervisor drives it (whatever made it). */
export interface BackendProcess {
  /** Undefined until the process has spawned, and once it is gone. */
  readonly pid: number | undefined
  send(command: EmbeddedBackendCommand): void
  /** Every message the process posts, not yet validated. */
  onMessage(listener: (message: unknown) => void): void
  /** Once, when the process is gone: how it ended ("exit code 1", "signal SIGKILL"). */
  onExit(listener: (how: string) => void): void
  /** What the process writes to stdout and stderr. */
  onOutput(listener: (text: string) => void): void
  /** Ends it at once, for a process that does not stop when asked. */
  kill(): void
}

/** Starts the backend's process with these variables added to the environment. */
export type LaunchBackend = (env: Readonly<Record<string, string>>) => BackendProcess

export type EmbeddedBackendState = 'running' | 'restarting' | 'failed' | 'stopped'

/** The backend stopped unexpectedly; `restarting` says whether it is being started again. */
export class EmbeddedBackendError extends Error {
  constructor(
    message: string,
    readonly restarting: boolean,
  ) {
    super(message)
    this.name = 'EmbeddedBackendError'
  }
}

export interface EmbeddedBackendOptions {
  /** The folder whose server.db the backend serves. */
  readonly dataDir: string
  /** Default: a Node child process (forkBackend()). */
  readonly launch?: LaunchBackend
  /** Each crash (an EmbeddedBackendError) and each failed restart. */
  readonly onError?: (what: string, error: unknown) => void
  /** The backend's own output (its warnings); by default kept only for crash reports. */
  readonly onOutput?: (text: string) => void
  readonly startTimeoutMs?: number
  /** How long a stop may take before the process is killed. */
  readonly stopTimeoutMs?: number
}

export interface EmbeddedBackend {
  /** http://127.0.0.1:PORT: the same for the whole run, restarts included. */
  readonly url: string
  readonly port: number
  /** The URL and this launch's secret, for the core's clients (the same across a restart). */
  readonly access: EmbeddedBackendAccess
  /** The running process's id; undefined while it is down. */
  readonly pid: number | undefined
  readonly state: EmbeddedBackendState
  /** Asks the process to stop (killing it if it does not in time). Safe to repeat. */
  close(): Promise<void>
}

const DEFAULT_START_TIMEOUT_MS = 30_000
const DEFAULT_STOP_TIMEOUT_MS = 10_000
const HEALTH_TIMEOUT_MS = 5_000
const MAX_RESTARTS = 1
const GIVE_UP = 'quit and start paracord again'
/** How much of the process's last output a crash report quotes. */
const OUTPUT_TAIL_CHARS = 2_000
/** Beside server.db: the port of the last run, asked for again. */
export const PORT_FILE = 'server.port'

/** Starts the backend; resolves once it listens and GET /healthz answers 200. */
export async function startEmbeddedBackend(
  options: EmbeddedBackendOptions,
): Promise<EmbeddedBackend> {
  const supervisor = new Supervisor(options)
  await supervisor.start()
  return supervisor
}

interface Run {
  readonly process: BackendProcess
  readonly exited: Promise<string>
  hasExited: boolean
  /** The end of what the process wrote. */
  tail: string
}

class Supervisor implements EmbeddedBackend {
  url = ''
  port = 0
  state: EmbeddedBackendState = 'running'
  /** Kept for a restart too: the core's clients already hold it. */
  private readonly secret = randomBytes(32).toString('base64url')
  private current: Run | null = null
  private restarts = 0
  private restarting: Promise<void> | null = null
  private closing: Promise<void> | null = null
  private readonly dataDir: string
  private readonly launch: LaunchBackend

  constructor(private readonly options: EmbeddedBackendOptions) {
    this.dataDir = resolve(options.dataDir)
    this.launch = options.launch ?? forkBackend()
  }

  get pid(): number | undefined {
    return this.current?.process.pid
  }

  get access(): EmbeddedBackendAccess {
    return { url: this.url, secret: this.secret }
  }

  /** On the port of the last run when it is free, else on any; then remembers it. */
  async start(): Promise<void> {
    const portFile = join(this.dataDir, PORT_FILE)
    const remembered = await readPort(portFile)
    let started
    try {
      started = await this.spawn(remembered)
    } catch (error) {
      if (remembered === 0 || !/EADDRINUSE/.test(errorText(error))) throw error
      started = await this.spawn(0)
    }
    const { run, report } = started
    this.url = report.url
    this.port = report.port
    this.adopt(run)
    if (report.port !== remembered) {
      // Not fatal: the next run then gets another port, as on a first start.
      await writeFile(portFile, `${report.port}\n`, { mode: 0o600 }).catch((error: unknown) =>
        this.options.onError?.('remembering the local backend’s port', error),
      )
    }
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      await this.restarting
      const run = this.current
      this.current = null
      this.state = 'stopped'
      if (run) await this.stop(run, false)
    })())
  }

  /**
   * 1. Launch and hand it the secret, 2. wait for its report, 3. check /healthz; on any failure
   * the process is ended.
   */
  private async spawn(
    port: number,
  ): Promise<{ run: Run; report: Extract<EmbeddedBackendReport, { type: 'listening' }> }> {
    const child = this.launch({
      [EMBEDDED_BACKEND_ENV.dataDir]: this.dataDir,
      [EMBEDDED_BACKEND_ENV.port]: String(port),
    })
    // Both channels queue it until the process listens for messages.
    child.send({ type: 'start', secret: this.secret })
    const run: Run = {
      process: child,
      exited: new Promise((resolveExit) => child.onExit(resolveExit)),
      hasExited: false,
      tail: '',
    }
    void run.exited.then(() => (run.hasExited = true))
    child.onOutput((text) => {
      run.tail = (run.tail + text).slice(-OUTPUT_TAIL_CHARS)
      this.options.onOutput?.(text)
    })

    try {
      const report = await this.firstReport(run)
      if (report.type === 'failed') throw new Error(report.message)
      await checkHealth(report.url, this.secret)
      return { run, report }
    } catch (error) {
      await this.stop(run, true)
      throw new Error(`the local backend could not start: ${errorText(error)}${quoted(run.tail)}`, {
        cause: error,
      })
    }
  }

  private firstReport(run: Run): Promise<EmbeddedBackendReport> {
    const timeoutMs = this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS
    return new Promise((resolveReport, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`it did not report its address within ${timeoutMs / 1000} s`)),
        timeoutMs,
      )
      run.process.onMessage((message) => {
        const report = parseEmbeddedBackendReport(message)
        if (!report) return
        clearTimeout(timer)
        resolveReport(report)
      })
      void run.exited.then((how) => {
        clearTimeout(timer)
        reject(new Error(`its process ended (${how}) before it was listening`))
      })
    })
  }

  private adopt(run: Run): void {
    this.current = run
    this.state = 'running'
    void run.exited.then((how) => {
      if (this.current !== run || this.closing) return
      this.current = null
      this.crashed(how, run.tail)
    })
  }

  /** The one restart, on the same port so the core's server URL stays right; then no more. */
  private crashed(how: string, tail: string): void {
    const what = `the local backend stopped unexpectedly (${how})${quoted(tail)}`
    if (this.restarts >= MAX_RESTARTS) {
      this.state = 'failed'
      this.report(
        new EmbeddedBackendError(
          `${what}\nIt was already restarted once and is not restarted again: ${GIVE_UP}.`,
          false,
        ),
      )
      return
    }
    this.restarts++
    this.state = 'restarting'
    this.report(new EmbeddedBackendError(`${what}\nRestarting it.`, true))
    this.restarting = this.spawn(this.port)
      .then(
        ({ run }) => this.adopt(run),
        (error: unknown) => {
          this.state = 'failed'
          this.report(
            new EmbeddedBackendError(
              `${errorText(error)}\nIt crashed before and could not be restarted: ${GIVE_UP}.`,
              false,
            ),
          )
        },
      )
      .finally(() => (this.restarting = null))
  }

  /** Asks the process to stop (or, `now`, kills it); resolves once it is gone. */
  private async stop(run: Run, now: boolean): Promise<void> {
    if (run.hasExited) return
    if (now) run.process.kill()
    else run.process.send({ type: 'stop' })
    const timer = setTimeout(
      () => run.process.kill(),
      this.options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS,
    )
    await run.exited
    clearTimeout(timer)
  }

  private report(error: EmbeddedBackendError): void {
    try {
      this.options.onError?.('local backend', error)
    } catch {
      // A failing reporter must not stop the restart.
    }
  }
}

async function readPort(path: string): Promise<number> {
  const text = await readFile(path, 'utf8').catch(() => '')
  const port = Number(text.trim())
  return Number.isInteger(port) && port > 0 && port < 65_536 ? port : 0
}

async function checkHealth(url: string, secret: string): Promise<void> {
  const response = await fetch(`${url}/healthz`, {
    headers: { [EMBEDDED_SECRET_HEADER]: secret },
    signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
  })
  await response.body?.cancel()
  if (response.status !== 200) throw new Error(`GET /healthz answered ${response.status}`)
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function quoted(output: string): string {
  const trimmed = output.trim()
  return trimmed === '' ? '' : `:\n${trimmed}`
}

// --- The Node child process: the web host, the CLI, tests and benchmarks. ---

/** What a Node child runs: the script and the flags before it. */
export interface BackendEntry {
  readonly script: string
  readonly execArgv: readonly string[]
}

/** Built entries, the first that exists wins: `npm run build:node`, then `electron-vite build`. */
const BUILT_ENTRIES = ['out/node/embedded-backend.js', 'out/main/embedded-backend.js']

/**
 * The entry beside the running code: the TypeScript source through tsx when this module itself
 * runs from source (tsx, vitest), so the backend is always the code being run; otherwise the
 * compiled one in out/.
 */
export function nodeBackendEntry(moduleUrl: string = import.meta.url): BackendEntry {
  const here = fileURLToPath(moduleUrl)
  const root = packageRoot(dirname(here))
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(moduleUrl).resolve('tsx')).href
    return { script: join(root, 'src/server/embedded.ts'), execArgv: ['--import', tsx] }
  }
  const built = BUILT_ENTRIES.map((path) => join(root, path)).find((path) => existsSync(path))
  if (!built) {
    throw new Error('the local backend is not built: run `npm run build` in the paracord folder')
  }
  return { script: built, execArgv: [] }
}

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`)
  }
}

/**
 * The basics of the parent's environment a Node process needs to run (case-insensitive, as on
 * Windows); nothing else of it, so secrets such as PARACORD_PASSWORD stay in the parent.
 */
const INHERITED_ENV = new Set([
  'PATH',
  'HOME',
  'USERPROFILE',
  'TMPDIR',
  'TMP',
  'TEMP',
  'SYSTEMROOT',
  'WINDIR',
])

/**
 * The environment of the embedded backend: `env` (its own variables, EMBEDDED_BACKEND_ENV) on
 * top of the few basics of `parent` (INHERITED_ENV), never the whole of it.
 */
export function backendEnvironment(
  env: Readonly<Record<string, string>>,
  parent: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const basics: Record<string, string> = {}
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && INHERITED_ENV.has(name.toUpperCase())) basics[name] = value
  }
  return { ...basics, ...env }
}

/** Launches the backend with child_process.fork: Node's IPC channel, stdout and stderr piped. */
export function forkBackend(entry?: BackendEntry): LaunchBackend {
  return (env) => {
    const { script, execArgv } = entry ?? nodeBackendEntry()
    const child = fork(script, [], {
      execArgv: [...execArgv],
      env: backendEnvironment(env),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    })
    return childProcessBackend(child)
  }
}

function childProcessBackend(child: ChildProcess): BackendProcess {
  const exited = new Promise<string>((resolveExit) => {
    // 'close', not 'exit': by then its last words on stderr have been read too.
    child.once('close', (code, signal) =>
      resolveExit(signal ? `signal ${signal}` : `exit code ${code ?? 'unknown'}`),
    )
    // Without a pid it never started, and no 'close' follows.
    child.on('error', (error) => {
      if (child.pid === undefined) resolveExit(`not started: ${error.message}`)
    })
  })
  return {
    get pid() {
      return child.exitCode === null && child.signalCode === null ? child.pid : undefined
    },
    send: (command) => {
      // A closed channel cannot carry "stop": SIGTERM asks the same.
      if (!child.connected) return void child.kill('SIGTERM')
      child.send(command, (error) => {
        if (error) child.kill('SIGTERM')
      })
    },
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => void exited.then(listener),
    onOutput: (listener) => {
      child.stdout?.setEncoding('utf8').on('data', listener)
      child.stderr?.setEncoding('utf8').on('data', listener)
    },
    kill: () => child.kill('SIGKILL'),
  }
}
