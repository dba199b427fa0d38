import { describe, expect, it } from 'vitest'
import { COMMANDS } from './commands'
import { DAEMON_METHODS } from './daemon'
import { commandHelp, generalHelp } from './help'
import { runCli, type CliDeps } from './run'

/** Runs the CLI for command lines that must never open a profile. */
async function runWithoutProfile(argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  let opened = false
  const deps: CliDeps = {
    env: {},
    openCore: () => {
      opened = true
      return Promise.reject(new Error('a profile was opened'))
    },
    readPassword: () => Promise.reject(new Error('a password was asked')),
    hasPasswordSource: () => false,
    readStdin: () => Promise.reject(new Error('stdin was read')),
    stdinLines: () => {
      throw new Error('stdin was read')
    },
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    now: () => 0,
    untilInterrupted: () => new Promise(() => {}),
  }
  const code = await runCli(argv, deps)
  return { code, out: out.join('\n'), err, opened }
}

describe('help', () => {
  it('lists every command with its one-line description', () => {
    const text = generalHelp()
    for (const command of COMMANDS) {
      expect(text).toContain(command.name)
      expect(text).toContain(command.summary)
    }
    expect(text).toContain('--data DIR')
    expect(text).toContain('PARACORD_PASSWORD')
  })

  it('details one command: usage, options and the global options', () => {
    const text = commandHelp('read')
    expect(text).toContain('Usage: paracord read SERVER/CHANNEL [--limit N] [--follow]')
    expect(text).toContain('--follow')
    expect(text).toContain('--json')
  })

  it('shows TEXT of send as optional: without it, stdin is read line by line', () => {
    expect(generalHelp()).toContain('send SERVER/CHANNEL [TEXT]')
    expect(commandHelp('send')).toContain('Without TEXT each line of stdin')
  })

  it("names every one of the daemon's methods and its error codes", () => {
    const text = commandHelp('daemon')
    for (const method of DAEMON_METHODS) expect(text).toMatch(new RegExp(`\\b${method} \\{`))
    for (const code of ['-32700', '-32600', '-32601', '-32602', '-32001', '-32000']) {
      expect(text).toContain(code)
    }
  })

  it('covers a group with each of its commands', () => {
    expect(commandHelp('invite')).toContain('Usage: paracord invite create SERVER')
  })
})

describe('runCli without a profile', () => {
  it('prints the general help on stdout and exits 0', async () => {
    const result = await runWithoutProfile(['--help'])
    expect(result).toMatchObject({ code: 0, err: [], opened: false })
    expect(result.out).toContain('safety-number USER')
  })

  it('prints a command’s help', async () => {
    const result = await runWithoutProfile(['kick', '-h'])
    expect(result.code).toBe(0)
    expect(result.out).toContain('Usage: paracord kick SERVER USER')
  })

  it('reports a usage error as one line on stderr with exit code 2, touching nothing', async () => {
    const result = await runWithoutProfile(['channel', 'create', 'Home', 'x', '--burn', '1'])
    expect(result).toMatchObject({ code: 2, out: '', opened: false })
    expect(result.err).toEqual([
      'paracord: --burn must be between 5 and 1209600, not 1 (see paracord channel create --help)',
    ])
  })

  it('does not repeat the pointer to help when the usage is already shown', async () => {
    const result = await runWithoutProfile(['kick', 'Home'])
    expect(result.err).toEqual(['paracord: missing USER (usage: paracord kick SERVER USER)'])
  })

  it('points an unknown command at the general help', async () => {
    const result = await runWithoutProfile(['dance'])
    expect(result).toMatchObject({ code: 2, opened: false })
    expect(result.err).toEqual(['paracord: unknown command "dance" (see paracord --help)'])
  })
})
