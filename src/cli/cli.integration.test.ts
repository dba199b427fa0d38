// The real thing: a backend on a free port with a temporary database, and the `paracord` binary
// run as a child process for two people, each with a profile folder of their own.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../server/index'
import {
  finished,
  jsonLines,
  lineReader,
  startCli as start,
  type CliResult as Result,
} from './test-cli'

const PASSWORDS = { alice: 'correct horse battery', bob: 'staple of the realm' }

let root: string
let backend: RunningServer
const dataDir = (user: string) => join(root, user)

/** Runs `paracord --data <user's folder> --server <backend> ...args` as `user`. */
function paracord(
  user: keyof typeof PASSWORDS,
  args: string[],
  options: { password?: string | null; stdin?: string } = {},
): Promise<Result> {
  const password = options.password === undefined ? PASSWORDS[user] : options.password
  const child = start(
    ['--data', dataDir(user), '--server', backend.url, ...args],
    password === null ? {} : { PARACORD_PASSWORD: password },
  )
  child.stdin.end(options.stdin ?? '')
  return finished(child)
}

async function succeeds(
  user: keyof typeof PASSWORDS,
  args: string[],
  options: { stdin?: string } = {},
): Promise<string> {
  const result = await paracord(user, args, options)
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  return result.stdout
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'paracord-cli-'))
  backend = await startServer({
    db: `sqlite:${join(root, 'store.db')}`,
    port: 0,
    logLevel: 'silent',
  })
})

afterAll(async () => {
  await backend?.close()
  rmSync(root, { recursive: true, force: true })
})

describe('paracord CLI against a real backend', { timeout: 180_000 }, () => {
  let inviteCode = ''

  it('lists every command with --help, without a profile or backend', async () => {
    const result = await finished(start(['--help'], {}))
    expect(result.code).toBe(0)
    for (const command of ['register NAME', 'server create NAME', 'send SERVER/CHANNEL [TEXT]']) {
      expect(result.stdout).toContain(command)
    }
    expect(result.stderr).toBe('')
  })

  it('rejects a bad command line with exit code 2 and one line on stderr', async () => {
    const result = await paracord('alice', ['read', 'Home', '--limit', 'ten'])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(/^paracord: /)
  })

  it('says a profile with no account is not signed in', async () => {
    const result = await paracord('alice', ['servers'])
    expect(result.code).toBe(1)
    expect(result.stderr.trimEnd()).toMatch(/^paracord: not signed in .*paracord login NAME/)
  })

  it('registers alice and bob, each in their own profile folder', async () => {
    expect(await succeeds('alice', ['register', 'alice'])).toContain('Registered alice')
    expect(await succeeds('bob', ['register', 'bob'])).toContain('Registered bob')
    expect(await succeeds('alice', ['whoami'])).toMatch(/^name: +alice$/m)
  })

  it('refuses a weak password with the reason, and registers nothing', async () => {
    const carol = join(root, 'carol')
    for (const weak of ['x', 'password1']) {
      const result = await paracord('bob', ['--data', carol, 'register', 'carol'], {
        password: weak,
      })
      expect(result.code).toBe(1)
      expect(result.stdout).toBe('')
      expect(result.stderr).toMatch(/^paracord: The password is too (short|easy to guess)\b.*\n$/)
    }
    expect(existsSync(join(carol, 'profiles'))).toBe(false)
    // The backend never heard of carol: the name is still free.
    const strong = await paracord('bob', ['--data', carol, 'register', 'carol'], {
      password: 'amber falcon tide',
    })
    expect(strong.stderr).toBe('')
    expect(strong.stdout).toContain('Registered carol')
  })

  it('refuses a name already taken', async () => {
    const result = await paracord('bob', ['--data', join(root, 'bob2'), 'register', 'alice'])
    expect(result.code).toBe(1)
    expect(result.stderr.trimEnd()).toBe('paracord: that name is already taken: choose another one')
  })

  it('lets alice create a server, a channel and an invite', async () => {
    const [server] = jsonLines(await succeeds('alice', ['server', 'create', 'Home', '--json']))
    expect(server).toMatchObject({ name: 'Home', myRole: 'owner' })

    expect(
      await succeeds('alice', ['channel', 'create', 'Home', 'chat', '--burn', '3600']),
    ).toContain('Created text channel "chat" in "Home"')
    const channels = await succeeds('alice', ['channels', String(server!.id)])
    expect(channels).toMatch(/^general +text +1d/m)
    expect(channels).toMatch(/^chat +text +1h/m)

    const [invite] = jsonLines(await succeeds('alice', ['invite', 'create', 'Home', '--json']))
    expect(invite).toMatchObject({ maxUses: null, revoked: false })
    inviteCode = String(invite!.code)
    expect(inviteCode.length).toBeGreaterThan(8)
  })

  it('takes an invite code that starts with "-" after "--", and says so without it', async () => {
    const code = `-GGqh${'A'.repeat(38)}`
    const bare = await paracord('bob', ['join', code])
    expect(bare.stdout).toBe('')
    expect(bare.stderr).toMatch(
      /^paracord: unknown option -GGqhA+; an invite code that starts with "-" goes after "--": paracord --data \S+ --server \S+ join -- -GGqhA+ \(see paracord join --help\)\n$/,
    )
    expect(bare.code).toBe(2)
    // After "--" it reaches the backend, which knows no such invite.
    const passed = await paracord('bob', ['join', '--', code])
    expect(passed.stderr).toMatch(/^paracord: that invite is not valid\b/)
    expect(passed.code).toBe(1)
  })

  it('lets bob join with the code', async () => {
    expect(await succeeds('bob', ['join', inviteCode])).toContain('Joined "Home"')
    const members = await succeeds('alice', ['members', 'Home'])
    expect(members).toMatch(/^alice +owner/m)
    expect(members).toMatch(/^bob +member/m)
  })

  it('shows the server’s safety code under the members, the same for alice and bob', async () => {
    const codeOf = (output: string) => /^safety code: (\d{5}(?: \d{5}){5})$/m.exec(output)?.[1]
    const bobs = await succeeds('bob', ['members', 'Home'])
    expect(bobs).toMatch(
      /^Compare this code with another member: if yours match, you both see the same server\.$/m,
    )
    const alices = await succeeds('alice', ['members', 'Home'])
    expect(codeOf(bobs)).toMatch(/^\d{5}( \d{5}){5}$/)
    expect(codeOf(alices)).toBe(codeOf(bobs))
  })

  it('carries a message from alice to bob, as text and as JSON lines', async () => {
    expect(await succeeds('alice', ['send', 'Home/chat', 'hello', 'bob'])).toMatch(
      /^\[\d\d:\d\d\] alice: hello bob {2}\(burns in 59m\)$/m,
    )
    expect(await succeeds('bob', ['read', 'home/chat'])).toMatch(
      /^\[\d\d:\d\d\] alice: hello bob {2}\(burns in \d+m\)$/m,
    )

    const lines = jsonLines(await succeeds('bob', ['read', 'Home/chat', '--json']))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({
      type: 'message',
      authorName: 'alice',
      text: 'hello bob',
      delivery: 'sent',
    })
  })

  it('reads a message text from stdin with "-"', async () => {
    await succeeds('bob', ['send', 'Home/chat', '-'], { stdin: 'multi\nline\n' })
    const texts = jsonLines(await succeeds('alice', ['read', 'Home/chat', '--json'])).map(
      (m) => m.text,
    )
    expect(texts).toEqual(['hello bob', 'multi\nline'])
  })

  it('sends each line of stdin as a message of its own, in order, with a summary', async () => {
    const tooLong = 'x'.repeat(4001)
    const result = await paracord('bob', ['send', 'Home/chat'], {
      stdin: `first line\r\n${tooLong}\n\n  \nsecond line\nthird line`,
    })
    expect(result.stdout).toBe('Sent 3 messages to Home/chat; 1 line not sent.\n')
    expect(result.stderr.split('\n')).toEqual([
      expect.stringMatching(/^paracord: line 2 not sent: invalid input: .*text/),
      'paracord: 1 line not sent (see above)',
      '',
    ])
    expect(result.code).toBe(1)
    const texts = jsonLines(await succeeds('alice', ['read', 'Home/chat', '--json'])).map(
      (m) => m.text,
    )
    expect(texts.slice(-3)).toEqual(['first line', 'second line', 'third line'])
  })

  it('follows new messages until interrupted', async () => {
    const child = start(
      [
        '--data',
        dataDir('bob'),
        '--server',
        backend.url,
        'read',
        'Home/chat',
        '--follow',
        '--json',
      ],
      { PARACORD_PASSWORD: PASSWORDS.bob },
    )
    child.stdin.end()
    const done = finished(child)
    const reader = lineReader(child)
    await reader.until((line) => line.includes('multi'))

    await succeeds('alice', ['send', 'Home/chat', 'are you there?'])
    const line = await reader.until((l) => l.includes('are you there?'))
    expect(JSON.parse(line)).toMatchObject({ type: 'message', authorName: 'alice' })

    child.kill('SIGINT')
    const result = await done
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
  })

  it('tells a JSON follower when a message burns', async () => {
    // Long enough for the follower to start and list it even on a slow machine.
    await succeeds('alice', ['channel', 'create', 'Home', 'flash', '--burn', '15'])
    const child = start(
      [
        '--data',
        dataDir('bob'),
        '--server',
        backend.url,
        'read',
        'Home/flash',
        '--follow',
        '--json',
      ],
      { PARACORD_PASSWORD: PASSWORDS.bob },
    )
    child.stdin.end()
    const done = finished(child)
    const reader = lineReader(child)

    await succeeds('alice', ['send', 'Home/flash', 'now you see me'])
    const shown = JSON.parse(await reader.until((l) => l.includes('now you see me'))) as {
      id: string
    }
    const burned = await reader.until((l) => l.includes('"burned"'))
    expect(JSON.parse(burned)).toMatchObject({ type: 'burned', id: shown.id })

    child.kill('SIGINT')
    expect((await done).code).toBe(0)
  })

  it('shows both sides the same safety number', async () => {
    const digits = (text: string) =>
      text.split('\n').slice(1, 4).join(' ').trim().replace(/\s+/g, ' ')
    const aliceView = await succeeds('alice', ['safety-number', 'bob'])
    const bobView = await succeeds('bob', ['safety-number', 'alice'])
    expect(digits(aliceView)).toMatch(/^(\d{5} ){11}\d{5}$/)
    expect(digits(aliceView)).toBe(digits(bobView))
  })

  it('names what exists when a name matches nothing', async () => {
    const result = await paracord('bob', ['read', 'Home/random'])
    expect(result.code).toBe(1)
    expect(result.stderr.trimEnd()).toBe(
      'paracord: no channel in server "Home" named "random" (known: general, chat, flash)',
    )
  })

  it('refuses a wrong password with one line on stderr', async () => {
    const result = await paracord('bob', ['servers'], { password: 'not my password' })
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe('paracord: wrong password\n')
  })

  it('asks for the password only on a terminal', async () => {
    const result = await paracord('bob', ['servers'], { password: null })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      'paracord: no password: set PARACORD_PASSWORD or run paracord in a terminal\n',
    )
  })

  it('lets alice remove bob, after which bob cannot read the channel', async () => {
    expect(await succeeds('alice', ['kick', 'Home', 'bob'])).toContain('Removed bob from "Home"')
    expect(await succeeds('alice', ['members', 'Home'])).not.toMatch(/^bob /m)
    const result = await paracord('bob', ['read', 'Home/chat'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^paracord: /)
  })

  it('signs out', async () => {
    expect(await succeeds('alice', ['logout'])).toBe('Signed out.\n')
    const result = await paracord('alice', ['servers'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^paracord: not signed in/)
  })
})
