// For the CLI's integration tests: a real backend that can be stopped and started again, the
// compiled `paracord` binary run as a child process, its output read whole or line by line,
// and a JSON-RPC client for `paracord daemon`.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startServer, type RunningServer } from '../server/index'

export const BIN = resolve(import.meta.dirname, '../../bin/paracord.js')
export const CHILD_TIMEOUT_MS = 60_000

export interface TestBackend {
  readonly url: string
  /** The folder of the store; tests keep their profile folders in it too. */
  readonly dir: string
  /** Stops the backend: clients find nothing listening. */
  stop(): Promise<void>
  /** Starts it again on the same store and port. */
  restart(): Promise<void>
  /** Stops it and deletes the folder. */
  dispose(): Promise<void>
}

/** A backend on a free port of 127.0.0.1, its SQLite store in a fresh temporary folder. */
export async function startTestBackend(prefix: string): Promise<TestBackend> {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const options = { db: `sqlite:${join(dir, 'store.db')}`, logLevel: 'silent' as const }
  let server: RunningServer | null = await startServer({ ...options, port: 0 })
  const { port, url } = server
  return {
    url,
    dir,
    async stop() {
      await server?.close()
      server = null
    },
    async restart() {
      server ??= await startServer({ ...options, port })
    },
    async dispose() {
      await server?.close()
      server = null
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** `paracord` as one user: their profile folder, password and the backend. */
export function cliUser(backend: TestBackend, name: string, password: string) {
  const dataDir = join(backend.dir, name)
  const args = (rest: readonly string[]) => ['--data', dataDir, '--server', backend.url, ...rest]
  return {
    name,
    dataDir,
    /** Runs a command to its end, with `stdin` as its whole input. */
    run(rest: readonly string[], options: { stdin?: string } = {}): Promise<CliResult> {
      const child = startCli(args(rest), { PARACORD_PASSWORD: password })
      child.stdin.end(options.stdin ?? '')
      return finished(child)
    },
    /** Starts a long-running command; `password: null` gives it none. */
    start(rest: readonly string[], options: { password?: null } = {}) {
      const env: Record<string, string> =
        options.password === null ? {} : { PARACORD_PASSWORD: password }
      return startCli(args(rest), env)
    },
  }
}

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Environment without anything paracord reads, so each test says what it gives. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra }
  for (const key of ['PARACORD_PASSWORD', 'PARACORD_DATA', 'PARACORD_SERVER']) {
    if (!(key in extra)) delete env[key]
  }
  return env
}

export function startCli(
  args: readonly string[],
  env: Record<string, string>,
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...args], { env: cleanEnv(env), stdio: 'pipe' })
}

export function finished(child: ChildProcessWithoutNullStreams): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`paracord did not finish: ${stderr}`))
    }, CHILD_TIMEOUT_MS)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolvePromise({ code, stdout, stderr })
    })
  })
}

export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

/** Collects a long-running child's stdout lines and lets a test wait for one. */
export function lineReader(child: ChildProcessWithoutNullStreams) {
  const lines: string[] = []
  let buffered = ''
  const waiting = new Set<() => void>()
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8')
    const parts = buffered.split('\n')
    buffered = parts.pop()!
    lines.push(...parts)
    for (const check of [...waiting]) check()
  })
  return {
    lines,
    until(predicate: (line: string) => boolean): Promise<string> {
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(check)
          reject(new Error(`no such line; got ${JSON.stringify(lines)}`))
        }, CHILD_TIMEOUT_MS)
        function check() {
          const found = lines.find(predicate)
          if (found === undefined) return
          clearTimeout(timer)
          waiting.delete(check)
          resolvePromise(found)
        }
        waiting.add(check)
        check()
      })
    },
  }
}

export interface RpcAnswer {
  readonly id?: number | string | null
  readonly method?: string
  readonly params?: Record<string, unknown>
  readonly result?: unknown
  readonly error?: { code: number; message: string; data?: { code: string } }
}

/** Talks JSON-RPC to a running `paracord daemon`: one request per line, answers matched by id. */
export function rpcClient(child: ChildProcessWithoutNullStreams) {
  const reader = lineReader(child)
  let nextId = 1
  const parse = (line: string) => JSON.parse(line) as RpcAnswer
  return {
    reader,
    /** Writes a raw line, for requests a well-behaved client would not send. */
    write(line: string): void {
      child.stdin.write(`${line}\n`)
    },
    async call(method: string, params?: object): Promise<RpcAnswer> {
      const id = nextId++
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`)
      return parse(await reader.until((line) => parse(line).id === id))
    },
    /** The first notification `method` (one already received counts). */
    async notified(method: string): Promise<RpcAnswer> {
      return parse(await reader.until((line) => parse(line).method === method))
    },
  }
}
