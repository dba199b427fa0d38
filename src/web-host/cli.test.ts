// The `npm run web` command line as a person meets it: help, and clear refusals of bad flags.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const REPO = fileURLToPath(new URL('../../', import.meta.url))

const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/web-host/cli.ts', ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, PARACORD_DATA: '', PARACORD_SERVER: '' },
  })

describe('paracord web command line', () => {
  it('prints its help and exits 0', () => {
    const result = run('--help')
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('Usage: npm run web -- [options]')
    expect(result.stdout).toContain('--server URL')
  })

  it.each([
    [['--port', 'eighty'], /--port must be a whole number/],
    [['--server', 'nowhere'], /--server must be a URL/],
    [['--verbose'], /Unknown option '--verbose'/],
  ])('refuses %j with one line and exit code 2', (args, message) => {
    const result = run(...args)
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stdout).toBe('')
  })
})
