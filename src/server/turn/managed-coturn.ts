// The voice relay paracord-server runs itself (`--turn managed`, and the embedded backend when
// coturn is installed): coturn's `turnserver` on the backend's own address, with a fresh shared
// secret (the TURN REST scheme GET /v1/turn signs credentials with), a free listening port and
// a small relay port range. It is watched while the backend runs (restarted on the same port
// and secret if it dies, so credentials already handed out keep working) and stopped with it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { accessSync, constants, statSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { isLoopback, relayAddress, urlHost } from './relay-address'
import { answersBinding } from './stun'

/** Names the turnserver program to run instead of the one on PATH. */
export const TURNSERVER_ENV = 'PARACORD_TURNSERVER'

/**
 * Relay ports, one per allocation: a browser allocates once per TURN URL (two here) for each
 * other participant, so a full call of 8 takes 8 × 7 × 2 = 112.
 */
const DEFAULT_RELAY_PORTS = 200
/** Above Linux's default ephemeral range (32768–60999), so port-0 sockets rarely sit in it. */
const RELAY_RANGE_FLOOR = 61_000
const START_TIMEOUT_MS = 10_000
const STOP_TIMEOUT_MS = 5_000
/** Waits before each restart after the relay died; when all are used up it is reported failed. */
const RESTART_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 16_000]
/** A relay that ran this long before it died gets the whole series of restarts again. */
const STABLE_AFTER_MS = 60_000
const OUTPUT_TAIL_CHARS = 4000
const RELAY_FOLDER_PREFIX = 'paracord-turn-'
const STALE_FOLDER_AGE_MS = 60_000

export class TurnserverMissingError extends Error {}
export class ManagedCoturnError extends Error {}

/** The parts of the server's (pino) logger the relay reports to. */
export interface RelayLog {
  info(details: object, message: string): void
  warn(details: object, message: string): void
  error(details: object, message: string): void
}

export type RelayState = 'starting' | 'running' | 'restarting' | 'failed' | 'stopped'

export interface ManagedCoturnOptions {
  /** The turnserver program (findTurnserver). */
  readonly turnserver: string
  /** The backend's listening address: the relay listens and relays on it. */
  readonly host: string
  readonly log: RelayLog
  readonly relayPortCount?: number
  readonly startTimeoutMs?: number
  readonly restartDelaysMs?: readonly number[]
}

export interface ManagedCoturn {
  /** coturn's static-auth-secret, for GET /v1/turn. */
  readonly secret: string
  /** What clients are told: turn:HOST:PORT over UDP and TCP. */
  readonly urls: readonly string[]
  readonly address: string
  readonly port: number
  readonly relayPorts: { readonly min: number; readonly max: number }
  state(): RelayState
  /** The running turnserver's process id; null while it is restarting or stopped. */
  pid(): number | null
  /** Called on every change of state. */
  onState(listener: (state: RelayState) => void): () => void
  /** Stops turnserver (SIGTERM, then SIGKILL) and removes its files; safe to call twice. */
  close(): Promise<void>
}

/** The turnserver to run: $PARACORD_TURNSERVER, else the first on PATH; null when there is none. */
export function findTurnserver(env: Readonly<Record<string, string | undefined>>): string | null {
  const named = env[TURNSERVER_ENV]
  if (named) return isExecutable(named) ? named : null
  return onPath('turnserver', env)
}

function onPath(program: string, env: Readonly<Record<string, string | undefined>>) {
  const names = process.platform === 'win32' ? [`${program}.exe`] : [program]
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue
    for (const name of names) if (isExecutable(join(dir, name))) return join(dir, name)
  }
  return null
}

let deathSignalWrapper: readonly string[] | null | undefined

/**
 * On Linux, util-linux's `setpriv --pdeathsig` has the kernel send turnserver SIGTERM when the
 * backend's process ends, however it ends (SIGKILL included), so no relay outlives its server.
 * Elsewhere the backend's exit handler is all there is.
 */
function dieWithParent(): readonly string[] {
  if (deathSignalWrapper === undefined) {
    const setpriv = process.platform === 'linux' ? onPath('setpriv', process.env) : null
    const works =
      setpriv !== null &&
      spawnSync(setpriv, ['--pdeathsig', 'SIGTERM', '--', 'true'], { stdio: 'ignore' }).status === 0
    deathSignalWrapper = works ? [setpriv, '--pdeathsig', 'SIGTERM', '--'] : null
  }
  return deathSignalWrapper ?? []
}

/** findTurnserver, or an error that says how to get it. */
export function requireTurnserver(env: Readonly<Record<string, string | undefined>>): string {
  const found = findTurnserver(env)
  if (found !== null) return found
  const named = env[TURNSERVER_ENV]
  throw new TurnserverMissingError(
    named
      ? `--turn managed: ${TURNSERVER_ENV} names "${named}", which is not an executable file`
      : '--turn managed needs coturn\'s "turnserver" on PATH (Debian and Ubuntu: ' +
          'apt-get install coturn; Fedora: dnf install coturn; macOS: brew install coturn)',
  )
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}

export async function startManagedCoturn(options: ManagedCoturnOptions): Promise<ManagedCoturn> {
  const address = relayAddress(options.host)
  await removeStaleFolders()
  const dir = await mkdtemp(join(tmpdir(), RELAY_FOLDER_PREFIX))
  try {
    return await Supervisor.start(options, address, dir)
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}

/**
 * Folders of relays whose backend was killed outright (its turnserver then ended too, see
 * dieWithParent): old enough not to be starting, and their turnserver gone.
 */
async function removeStaleFolders(): Promise<void> {
  const entries = await readdir(tmpdir()).catch(() => [] as string[])
  for (const name of entries) {
    if (!name.startsWith(RELAY_FOLDER_PREFIX)) continue
    const folder = join(tmpdir(), name)
    try {
      if (Date.now() - (await stat(folder)).mtimeMs < STALE_FOLDER_AGE_MS) continue
      const pid = Number(await readFile(join(folder, 'turnserver.pid'), 'utf8').catch(() => '0'))
      if (pid > 0 && isAlive(pid)) continue
      await rm(folder, { recursive: true, force: true })
    } catch {
      // Another user's folder, or one removed meanwhile: not ours to clean.
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

interface Ports {
  readonly port: number
  readonly min: number
  readonly max: number
}

class Supervisor implements ManagedCoturn {
  readonly secret = randomBytes(32).toString('base64url')
  readonly urls: readonly string[]
  readonly port: number
  readonly relayPorts: { readonly min: number; readonly max: number }
  private child: ChildProcess | null = null
  private current: RelayState = 'starting'
  private output = ''
  private restarts = 0
  private restartTimer: ReturnType<typeof setTimeout> | null = null
  private startedAt = 0
  private closing: Promise<void> | null = null
  private readonly listeners = new Set<(state: RelayState) => void>()
  /** A backend that exits without close() (process.exit) still takes its relay with it. */
  private readonly killOnExit = () => this.child?.kill('SIGKILL')

  private constructor(
    private readonly options: ManagedCoturnOptions,
    readonly address: string,
    private readonly dir: string,
    ports: Ports,
  ) {
    this.port = ports.port
    this.relayPorts = { min: ports.min, max: ports.max }
    const host = urlHost(address)
    this.urls = [
      `turn:${host}:${ports.port}?transport=udp`,
      `turn:${host}:${ports.port}?transport=tcp`,
    ]
  }

  /** Ports can be taken between the probe and coturn's bind: a few tries with fresh ones. */
  static async start(
    options: ManagedCoturnOptions,
    address: string,
    dir: string,
  ): Promise<Supervisor> {
    let lastError: unknown
    for (let attempt = 0; attempt < 3; attempt++) {
      const ports = await freePorts(address, options.relayPortCount ?? DEFAULT_RELAY_PORTS)
      const relay = new Supervisor(options, address, dir, ports)
      try {
        await relay.launch()
        process.on('exit', relay.killOnExit)
        options.log.info(
          { urls: relay.urls, relayPorts: relay.relayPorts, turnserverPid: relay.pid() },
          'voice relay (coturn) started',
        )
        return relay
      } catch (error) {
        lastError = error
      }
    }
    throw lastError
  }

  state(): RelayState {
    return this.current
  }

  pid(): number | null {
    return this.current === 'running' ? (this.child?.pid ?? null) : null
  }

  onState(listener: (state: RelayState) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      this.setState('stopped')
      if (this.restartTimer !== null) clearTimeout(this.restartTimer)
      await stopProcess(this.child)
      process.off('exit', this.killOnExit)
      await rm(this.dir, { recursive: true, force: true })
    })())
  }

  /** Writes the configuration, starts turnserver and waits until it answers STUN. */
  private async launch(): Promise<void> {
    const configFile = join(this.dir, 'turnserver.conf')
    // A file, not arguments: the secret stays out of the process list.
    await writeFile(configFile, this.configuration(), { mode: 0o600 })
    if (this.closing) throw new ManagedCoturnError('the voice relay was stopped while starting')
    // setpriv (when there) execs turnserver in place: the pid is turnserver's.
    const [program = this.options.turnserver, ...args] = [
      ...dieWithParent(),
      this.options.turnserver,
      '-c',
      configFile,
    ]
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    this.child = child
    this.output = ''
    const keep = (chunk: Buffer) =>
      (this.output = (this.output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS))
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    let spawnError: Error | null = null
    child.once('error', (error) => (spawnError = error))
    const gone = () => spawnError !== null || child.exitCode !== null || child.signalCode !== null
    const deadline = Date.now() + (this.options.startTimeoutMs ?? START_TIMEOUT_MS)
    const target = { address: this.address, port: this.port }
    let answering = false
    while (!answering && !gone() && Date.now() < deadline)
      answering = await answersBinding(target, 250)
    if (spawnError !== null)
      throw new ManagedCoturnError(
        `cannot run ${this.options.turnserver}: ${(spawnError as Error).message}`,
      )
    if (!answering || this.closing) {
      await stopProcess(child)
      throw new ManagedCoturnError(
        this.closing
          ? 'the voice relay was stopped while starting'
          : `turnserver ${gone() ? 'exited' : 'did not answer'} while starting on ` +
              `${this.address}:${this.port}:\n${this.output.trim()}`,
      )
    }
    this.startedAt = Date.now()
    child.once('exit', (code, signal) => this.died(child, code, signal))
    this.setState('running')
  }

  private configuration(): string {
    const lines = [
      `listening-ip=${this.address}`,
      `relay-ip=${this.address}`,
      `listening-port=${this.port}`,
      `min-port=${this.relayPorts.min}`,
      `max-port=${this.relayPorts.max}`,
      'use-auth-secret',
      `static-auth-secret=${this.secret}`,
      'realm=paracord',
      'fingerprint',
      // One allocation per relay port; no more than the range holds.
      `total-quota=${this.relayPorts.max - this.relayPorts.min + 1}`,
      'stale-nonce=600',
      // Media is DTLS-SRTP end to end and the credentials are HMACs: TURN over TLS only helps
      // networks that block UDP, which needs a certificate (docs/OPERATIONS.md).
      'no-tls',
      'no-dtls',
      'no-cli',
      'no-rfc5780',
      'no-software-attribute',
      'no-multicast-peers',
      'log-file=stdout',
      'simple-log',
      `pidfile=${join(this.dir, 'turnserver.pid')}`,
      `userdb=${join(this.dir, 'turndb')}`,
    ]
    // Peers on loopback are this machine's own calls; on any other address they would let a
    // caller reach this machine's local services through the relay.
    if (isLoopback(this.address)) lines.push('allow-loopback-peers')
    return `${lines.join('\n')}\n`
  }

  private died(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.closing || child !== this.child) return
    this.child = null
    // A relay that ran for a while died of something new: its restarts start over.
    if (Date.now() - this.startedAt > STABLE_AFTER_MS) this.restarts = 0
    this.restartOrGiveUp(
      { code, signal, output: this.output.trim() },
      'voice relay (coturn) stopped; starting it again',
    )
  }

  /** Same port and secret as before, so credentials already handed out work again. */
  private restartOrGiveUp(details: object, message: string): void {
    const delays = this.options.restartDelaysMs ?? RESTART_DELAYS_MS
    if (this.restarts >= delays.length) {
      this.setState('failed')
      this.options.log.error(
        details,
        'voice relay (coturn) keeps stopping; calls through it cannot connect until ' +
          'paracord-server is restarted',
      )
      return
    }
    this.setState('restarting')
    this.options.log.warn(details, message)
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null
      this.restarts += 1
      this.launch().then(
        () =>
          this.options.log.info(
            { turnserverPid: this.pid() },
            'voice relay (coturn) running again',
          ),
        (error: unknown) => {
          this.child = null
          if (!this.closing)
            this.restartOrGiveUp({ err: error }, 'voice relay (coturn) did not start again')
        },
      )
    }, delays[this.restarts])
  }

  private setState(state: RelayState): void {
    if (this.current === state || this.current === 'stopped') return
    this.current = state
    for (const listener of this.listeners) listener(state)
  }
}

async function stopProcess(child: ChildProcess | null): Promise<void> {
  if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null)
    return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const force = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
  await exited
  clearTimeout(force)
}

/** A listening port free on TCP and UDP, and a relay range of `count` free UDP ports. */
async function freePorts(address: string, count: number): Promise<Ports> {
  const port = await freeListeningPort(address)
  for (let attempt = 0; attempt < 20; attempt++) {
    const windows = Math.floor((65_535 - RELAY_RANGE_FLOOR + 1) / count)
    const min = RELAY_RANGE_FLOOR + Math.floor(Math.random() * windows) * count
    const max = min + count - 1
    if (port >= min && port <= max) continue
    if (await udpPortsFree(address, min, max)) return { port, min, max }
  }
  throw new ManagedCoturnError(`no ${count} free UDP ports for the voice relay on ${address}`)
}

async function freeListeningPort(address: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createServer()
      probe.once('error', reject)
      probe.listen(0, address, () => {
        const bound = probe.address()
        probe.close(() =>
          typeof bound === 'object' && bound ? resolve(bound.port) : reject(new Error('no port')),
        )
      })
    })
    if (await udpPortsFree(address, port, port)) return port
  }
  throw new ManagedCoturnError(`no free port for the voice relay on ${address}`)
}

/** Binds each UDP port of the range (and lets go): all free right now. */
async function udpPortsFree(address: string, min: number, max: number): Promise<boolean> {
  const family = address.includes(':') ? 'udp6' : 'udp4'
  for (let port = min; port <= max; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const socket = createSocket(family)
      socket.once('error', () => {
        socket.close()
        resolve(false)
      })
      socket.bind(port, address, () => socket.close(() => resolve(true)))
    })
    if (!free) return false
  }
  return true
}
