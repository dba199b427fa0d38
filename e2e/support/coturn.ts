// coturn for the voice tests: Debian's `turnserver` on 127.0.0.1 with a generated shared secret
// (the TURN REST scheme the backend signs credentials with), a small relay port range, and
// everything it writes kept in a temporary folder. Stopped (SIGTERM, then SIGKILL) after use.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const TURNSERVER = process.env.PARACORD_TURNSERVER ?? '/usr/bin/turnserver'
const START_LIMIT_MS = 15_000
const STOP_LIMIT_MS = 5_000
/** Relay ports per server: a few per participant of the largest test call. */
const RELAY_PORTS = 40

export interface Coturn {
  /** The static-auth-secret the backend must share. */
  readonly secret: string
  /** turn:127.0.0.1:PORT?transport=udp */
  readonly url: string
  readonly port: number
  output(): string
  stop(): Promise<void>
}

/**
 * Sends STUN binding requests over UDP until one is answered: the server is up and listening.
 * (Its log does not say when, at the default log level.)
 */
async function untilAnswering(
  port: number,
  exited: Promise<void>,
  output: () => string,
): Promise<void> {
  const socket = createSocket('udp4')
  const transaction = randomBytes(12)
  const request = Buffer.concat([
    Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]),
    transaction,
  ])
  try {
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(
        () => reject(new Error(`turnserver did not answer STUN in time:\n${output()}`)),
        START_LIMIT_MS,
      )
      const done = (error?: Error) => {
        clearTimeout(deadline)
        clearInterval(ask)
        if (error) reject(error)
        else resolve()
      }
      socket.on('message', (message) => {
        // A binding success response (0x0101) to this transaction.
        if (message.readUInt16BE(0) === 0x0101 && message.subarray(8, 20).equals(transaction))
          done()
      })
      socket.on('error', (error) => done(error))
      const ask = setInterval(() => socket.send(request, port, '127.0.0.1'), 100)
      void exited.then(() => done(new Error(`turnserver exited while starting:\n${output()}`)))
    })
  } finally {
    socket.close()
  }
}

/** A TCP port free right now on 127.0.0.1 (coturn listens on TCP and UDP there). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      )
    })
  })
}

export async function startCoturn(): Promise<Coturn> {
  const dir = await mkdtemp(join(tmpdir(), 'paracord-e2e-turn-'))
  const secret = randomBytes(24).toString('base64url')
  const port = await freePort()
  // A range of its own in the dynamic ports, away from what the OS hands out for port 0.
  const minPort = 50_000 + Math.floor(Math.random() * 300) * RELAY_PORTS
  const child = spawn(
    TURNSERVER,
    [
      '-n',
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=paracord',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${minPort}`,
      `--max-port=${minPort + RELAY_PORTS - 1}`,
      '--allow-loopback-peers',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--log-file=stdout',
      `--pidfile=${join(dir, 'turnserver.pid')}`,
      `--userdb=${join(dir, 'turndb')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  try {
    await untilAnswering(port, exited, () => output)
  } catch (error) {
    child.kill('SIGKILL')
    await exited
    await rm(dir, { recursive: true, force: true })
    throw error
  }

  return {
    secret,
    port,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_LIMIT_MS)
        await exited
        clearTimeout(timer)
      }
      await rm(dir, { recursive: true, force: true })
    },
  }
}
