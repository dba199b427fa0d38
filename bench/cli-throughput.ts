// The command-line client for scripts: messages per second sent (each acknowledged by the
// backend) three ways, against a paracord-server process on a free port: one `paracord send`
// per message (each unlocks the profile with Argon2id and catches up), one `paracord send`
// reading a message per line of stdin, and `paracord daemon` over JSON-RPC — a script waiting
// for each answer before the next request, and one writing every request at once.
// Usage: tsx bench/cli-throughput.ts   → one JSON line. Knobs: BENCH_CLI_COMMANDS,
// BENCH_CLI_LINES, BENCH_CLI_DAEMON.
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { spawnServer } from '../src/server/fault/server-process'
import { machine, summarize } from './lib/stats'

const BIN = fileURLToPath(new URL('../bin/paracord.js', import.meta.url))
const COMMANDS = Number(process.env.BENCH_CLI_COMMANDS ?? 10)
const LINES = Number(process.env.BENCH_CLI_LINES ?? 1_000)
const DAEMON = Number(process.env.BENCH_CLI_DAEMON ?? 1_000)
const TARGET = 'Bench/general'

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

function paracord(env: NodeJS.ProcessEnv, args: readonly string[], stdin = ''): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: 'pipe' })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  child.stdin.end(stdin)
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

async function succeeds(env: NodeJS.ProcessEnv, args: readonly string[], stdin = '') {
  const run = await paracord(env, args, stdin)
  if (run.code !== 0) throw new Error(`paracord ${args.join(' ')}: ${run.stderr}`)
  return run
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits

/** 1. One process per message, as a shell loop around `paracord send` runs it. */
async function oneCommandPerMessage(env: NodeJS.ProcessEnv) {
  const seconds: number[] = []
  for (let n = 0; n < COMMANDS; n++) {
    const started = performance.now()
    await succeeds(env, ['send', TARGET, `command message ${n}`])
    seconds.push((performance.now() - started) / 1000)
  }
  const total = seconds.reduce((a, b) => a + b, 0)
  return {
    messages: COMMANDS,
    per_s: round(COMMANDS / total, 2),
    ms_per_command: summarize(seconds.map((s) => s * 1000)),
  }
}

/** 2. One process reading a message per line; the time includes its unlock and catch-up. */
async function stdinLines(env: NodeJS.ProcessEnv) {
  const input = Array.from({ length: LINES }, (_, n) => `line message ${n}`).join('\n')
  const started = performance.now()
  const run = await succeeds(env, ['send', TARGET], input)
  const seconds = (performance.now() - started) / 1000
  if (!run.stdout.startsWith(`Sent ${LINES} messages`)) throw new Error(run.stdout)
  return { messages: LINES, per_s: round(LINES / seconds), total_s: round(seconds, 2) }
}

interface DaemonAnswer {
  readonly id?: number | string
  readonly method?: string
  readonly result?: { readonly delivery?: string }
  readonly error?: { readonly message: string }
}

/** 3. One daemon: started (unlock + catch-up), then both ways of calling it. */
async function daemon(env: NodeJS.ProcessEnv) {
  const started = performance.now()
  const child = spawn(process.execPath, [BIN, 'daemon'], { env, stdio: ['pipe', 'pipe', 'pipe'] })
  child.stderr.resume()
  const waiters = new Map<number | string, (answer: DaemonAnswer) => void>()
  let ready: () => void = () => {}
  const isReady = new Promise<void>((resolve) => (ready = resolve))
  createInterface({ input: child.stdout }).on('line', (line) => {
    const answer = JSON.parse(line) as DaemonAnswer
    if (answer.method === 'ready') ready()
    if (answer.id !== undefined) waiters.get(answer.id)?.(answer)
  })
  const call = (id: number, text: string) =>
    new Promise<DaemonAnswer>((resolve) => {
      waiters.set(id, resolve)
      const params = { server: 'Bench', channel: 'general', text }
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method: 'send', params })}\n`)
    })
  const check = (answer: DaemonAnswer) => {
    if (answer.result?.delivery !== 'sent') throw new Error(JSON.stringify(answer))
  }
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
  await isReady
  const startupSeconds = (performance.now() - started) / 1000

  // A script that waits for each answer before it asks again.
  let begun = performance.now()
  for (let n = 0; n < DAEMON; n++) check(await call(n, `daemon message ${n}`))
  const sequentialSeconds = (performance.now() - begun) / 1000

  // A script that writes every request, then reads the answers.
  begun = performance.now()
  const answers = Array.from({ length: DAEMON }, (_, n) =>
    call(DAEMON + n, `pipelined message ${n}`),
  )
  for (const answer of await Promise.all(answers)) check(answer)
  const pipelinedSeconds = (performance.now() - begun) / 1000

  child.stdin.end()
  if ((await exited) !== 0) throw new Error('the daemon did not stop cleanly')
  return {
    startup_s: round(startupSeconds, 2),
    one_at_a_time: { messages: DAEMON, per_s: round(DAEMON / sequentialSeconds) },
    all_at_once: { messages: DAEMON, per_s: round(DAEMON / pipelinedSeconds) },
  }
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'paracord-cli-bench-'))
  // The default rate limit (1,200 requests a minute) would be what is measured.
  const server = await spawnServer([
    '--db',
    `sqlite:${join(dir, 'store.db')}`,
    '--rate-limit',
    '1000000',
  ])
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PARACORD_DATA: join(dir, 'alice'),
      PARACORD_SERVER: server.url,
      PARACORD_PASSWORD: 'correct horse battery staple',
    }
    await succeeds(env, ['register', 'alice'])
    await succeeds(env, ['server', 'create', 'Bench'])
    const commands = await oneCommandPerMessage(env)
    const lines = await stdinLines(env)
    const daemonResult = await daemon(env)
    console.log(
      JSON.stringify({
        bench: 'cli-throughput',
        one_command_per_message: commands,
        stdin_lines: lines,
        daemon: daemonResult,
        machine: await machine(),
      }),
    )
  } finally {
    await server.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
