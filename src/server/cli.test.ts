// The launcher as an operator runs it: a real process, its log line, a signal.
import { spawn } from 'node:child_process'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const launcher = fileURLToPath(new URL('../../bin/paracord-server.js', import.meta.url))
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paracord-cli-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [launcher, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, exited, stdout: () => stdout, stderr: () => stderr }
}

describe('paracord-server', () => {
  it('starts, creates its database, serves /healthz and exits 0 on SIGTERM', async () => {
    const db = join(dir, 'nested', 'paracord.db')
    const server = run(['--port', '0', '--db', `sqlite:${db}`])
    let url: string | undefined
    while (!url) {
      url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(server.stdout())?.[1]
      if (!url) {
        const code = await Promise.race([
          server.exited,
          new Promise((r) => setTimeout(r, 50, 'running')),
        ])
        if (code !== 'running')
          throw new Error(`server exited (${String(code)}): ${server.stderr()}`)
      }
    }
    const health = await fetch(`${url}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ ok: true })
    expect((await stat(db)).isFile()).toBe(true)
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
    expect(server.stdout()).not.toMatch(/authorization|Bearer/i)
  })

  it('refuses a bad option with a one-line error and exit code 2', async () => {
    const bad = run(['--port', 'nope'])
    expect(await bad.exited).toBe(2)
    expect(bad.stderr().trim().split('\n')).toHaveLength(1)
    expect(bad.stderr()).toMatch(/port must be a whole number/)

    const scheme = run([], { PARACORD_DB: 'mysql://localhost/paracord' })
    expect(await scheme.exited).toBe(2)
    expect(scheme.stderr()).toMatch(/unsupported database scheme/)
  })

  it('prints help', async () => {
    const help = run(['--help'])
    expect(await help.exited).toBe(0)
    expect(help.stdout()).toMatch(/^Usage: paracord-server/)
    expect(help.stdout()).toMatch(/--turn-url/)
  })
})
