// `paracord --server local`: the compiled binary starts the local backend on the profile folder
// for each command (in a process of its own) and stops it before exiting; what one command
// stored, the next one reads.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const BIN = resolve(import.meta.dirname, '../../bin/paracord.js')
const root = mkdtempSync(join(tmpdir(), 'paracord-cli-local-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

function paracord(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const child = spawn(process.execPath, [BIN, '--data', join(root, 'alice'), ...args], {
    env: {
      ...process.env,
      PARACORD_PASSWORD: 'correct horse battery',
      PARACORD_DATA: '',
      PARACORD_SERVER: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  return new Promise((resolveResult, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolveResult({ code, stdout, stderr }))
  })
}

describe('paracord --server local', { timeout: 120_000 }, () => {
  it('runs a backend on the profile folder for each command', async () => {
    const registered = await paracord(['--server', 'local', 'register', 'alice'])
    expect(registered.stderr).toBe('')
    expect(registered.code).toBe(0)
    expect(existsSync(join(root, 'alice', 'server.db'))).toBe(true)

    const local = { PARACORD_SERVER: 'local' }
    expect((await paracord(['server', 'create', 'Home'], local)).code).toBe(0)
    const sent = await paracord(['send', 'Home/general', 'hello from the local backend'], local)
    expect(sent.stderr).toBe('')
    expect(sent.code).toBe(0)

    const read = await paracord(['--json', 'read', 'Home/general'], local)
    expect(read.code).toBe(0)
    expect(read.stdout).toContain('"text":"hello from the local backend"')

    const whoami = await paracord(['whoami'], local)
    expect(whoami.stdout).toMatch(/backend:\s+local/)
  })
})
