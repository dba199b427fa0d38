import { describe, expect, it } from 'vitest'
import { COMMANDS, DEFAULT_BURN_SECONDS, DEFAULT_READ_LIMIT } from './commands'
import { UsageError, parseCommand, type Command } from './parse'

function ok(argv: string[], env = {}): Command {
  const result = parseCommand(argv, env)
  if (result instanceof UsageError) throw new Error(`unexpected usage error: ${result.message}`)
  return result
}

function usage(argv: string[], env = {}): string {
  const result = parseCommand(argv, env)
  if (!(result instanceof UsageError))
    throw new Error(`expected a usage error for ${argv.join(' ')}`)
  return result.message
}

describe('parseCommand: every command', () => {
  it.each<[string[], Command['action']]>([
    [['register', 'alice'], { kind: 'register', name: 'alice' }],
    [['login', 'alice'], { kind: 'login', name: 'alice' }],
    [['logout'], { kind: 'logout' }],
    [['whoami'], { kind: 'whoami' }],
    [['servers'], { kind: 'servers' }],
    [['server', 'create', 'Home'], { kind: 'server create', name: 'Home' }],
    [['channels', 'Home'], { kind: 'channels', server: 'Home' }],
    [
      ['channel', 'create', 'Home', 'general'],
      {
        kind: 'channel create',
        server: 'Home',
        name: 'general',
        voice: false,
        burnSeconds: DEFAULT_BURN_SECONDS,
      },
    ],
    [
      ['channel', 'create', 'Home', 'lounge', '--voice', '--burn', '60'],
      { kind: 'channel create', server: 'Home', name: 'lounge', voice: true, burnSeconds: 60 },
    ],
    [
      ['invite', 'create', 'Home'],
      { kind: 'invite create', server: 'Home', maxUses: null, expiresInSeconds: null },
    ],
    [
      ['invite', 'create', 'Home', '--uses', '3', '--expires=3600'],
      { kind: 'invite create', server: 'Home', maxUses: 3, expiresInSeconds: 3600 },
    ],
    [['invites', 'Home'], { kind: 'invites', server: 'Home' }],
    [
      ['join', 'paracord://invite/abcdefgh'],
      { kind: 'join', invite: 'paracord://invite/abcdefgh' },
    ],
    [['members', 'Home'], { kind: 'members', server: 'Home' }],
    [['kick', 'Home', 'bob'], { kind: 'kick', server: 'Home', user: 'bob' }],
    [
      ['send', 'Home/general', 'hello'],
      { kind: 'send', target: { server: 'Home', channel: 'general' }, text: 'hello' },
    ],
    [
      ['read', 'Home/general'],
      {
        kind: 'read',
        target: { server: 'Home', channel: 'general' },
        limit: DEFAULT_READ_LIMIT,
        follow: false,
      },
    ],
    [
      ['read', 'Home/general', '--limit', '5', '--follow'],
      { kind: 'read', target: { server: 'Home', channel: 'general' }, limit: 5, follow: true },
    ],
    [['safety-number', 'bob'], { kind: 'safety-number', user: 'bob' }],
    [['leave', 'Home'], { kind: 'leave', server: 'Home' }],
    [['daemon'], { kind: 'daemon' }],
  ])('%j', (argv, action) => {
    expect(ok(argv).action).toEqual(action)
  })

  it('has a case above for every command in the table', () => {
    expect(COMMANDS.map((c) => c.name).sort()).toEqual(
      [
        'register',
        'login',
        'logout',
        'whoami',
        'servers',
        'server create',
        'channels',
        'channel create',
        'invite create',
        'invites',
        'join',
        'members',
        'kick',
        'send',
        'read',
        'safety-number',
        'leave',
        'daemon',
        'help',
      ].sort(),
    )
  })
})

describe('parseCommand: message text', () => {
  it('joins the words after SERVER/CHANNEL with spaces', () => {
    expect(ok(['send', 'Home/general', 'hello', 'there', 'bob']).action).toMatchObject({
      text: 'hello there bob',
    })
  })

  it('takes a text starting with "-" after "--"', () => {
    expect(ok(['send', 'Home/general', '--', '-5 degrees']).action).toMatchObject({
      text: '-5 degrees',
    })
  })

  it('splits SERVER/CHANNEL at the first slash', () => {
    expect(ok(['send', 'Home/news/old', 'x']).action).toMatchObject({
      target: { server: 'Home', channel: 'news/old' },
    })
  })

  it('keeps "-" as the marker for reading stdin', () => {
    expect(ok(['send', 'Home/general', '-']).action).toMatchObject({ text: '-' })
  })

  it('reads one message per line of stdin when no text is given', () => {
    expect(ok(['send', 'Home/general']).action).toEqual({
      kind: 'send',
      target: { server: 'Home', channel: 'general' },
      text: null,
    })
    expect(ok(['send', 'Home/general', '--json']).action).toMatchObject({ text: null })
  })
})

describe('parseCommand: arguments that start with "-"', () => {
  const code = '-GGqh3kX_b-Zt0aQ9vLr2mYc8NwE5uJpKs7dHfT1iOo'

  it('takes an invite code starting with "-" after "--"', () => {
    expect(ok(['join', '--', code]).action).toEqual({ kind: 'join', invite: code })
    expect(ok(['--data', 'bob', 'join', '--', code]).global.dataDir).toBe('bob')
  })

  it('says how to pass an invite code that looks like options', () => {
    expect(usage(['join', code])).toBe(
      `unknown option ${code}; an invite code that starts with "-" goes after "--": ` +
        `paracord join -- ${code}`,
    )
    // Even when one of its letters is -h, which alone would ask for help.
    expect(usage(['--json', 'join', '-hGGq'])).toBe(
      'unknown option -hGGq; an invite code that starts with "-" goes after "--": ' +
        'paracord --json join -- -hGGq',
    )
    expect(usage(['join', '--GGqh'])).toMatch(
      /^unknown option --GGqh; an invite code .* -- --GGqh$/,
    )
  })

  it('says how to pass a text that starts with "-"', () => {
    expect(usage(['send', 'Home/general', '-5', 'degrees'])).toBe(
      'unknown option -5; an argument that starts with "-" goes after "--": ' +
        'paracord send Home/general -- -5 degrees',
    )
  })

  it('reads the value of an option as a value, even when it starts with "-"', () => {
    expect(usage(['read', 'Home/general', '--limit', '-1'])).toBe('--limit needs a value (N)')
  })
})

describe('parseCommand: global options', () => {
  it('defaults to ./paracord-data and the local backend', () => {
    expect(ok(['servers']).global).toEqual({
      dataDir: './paracord-data',
      serverUrl: 'http://127.0.0.1:8443',
      json: false,
    })
  })

  it('reads PARACORD_DATA and PARACORD_SERVER, and flags win over them', () => {
    const env = { PARACORD_DATA: '/env/data', PARACORD_SERVER: 'http://127.0.0.1:9000' }
    expect(ok(['servers'], env).global).toMatchObject({
      dataDir: '/env/data',
      serverUrl: 'http://127.0.0.1:9000',
    })
    expect(
      ok(['--data', '/flag', 'servers', '--server=https://chat.example', '--json'], env).global,
    ).toEqual({ dataDir: '/flag', serverUrl: 'https://chat.example', json: true })
  })

  it('takes "local" for a backend run on the profile folder, and refuses other words', () => {
    expect(ok(['--server', 'local', 'servers']).global.serverUrl).toBe('local')
    expect(ok(['servers'], { PARACORD_SERVER: 'local' }).global.serverUrl).toBe('local')
    expect(parseCommand(['--server', 'locale', 'servers'])).toBeInstanceOf(UsageError)
  })

  it('accepts global options before, between and after the command words', () => {
    const command = ok(['--json', 'channel', '--data', 'd', 'create', 'Home', 'x', '--voice'])
    expect(command.global).toMatchObject({ json: true, dataDir: 'd' })
    expect(command.action).toMatchObject({ kind: 'channel create', voice: true })
  })
})

describe('parseCommand: help', () => {
  it('is general with no command, --help or -h', () => {
    expect(ok([]).action).toEqual({ kind: 'help', topic: null })
    expect(ok(['--help']).action).toEqual({ kind: 'help', topic: null })
    expect(ok(['-h']).action).toEqual({ kind: 'help', topic: null })
  })

  it('is about the command when it carries --help, even with missing arguments', () => {
    expect(ok(['send', '--help']).action).toEqual({ kind: 'help', topic: 'send' })
    expect(ok(['channel', 'create', '-h']).action).toEqual({
      kind: 'help',
      topic: 'channel create',
    })
    expect(ok(['help', 'invite', 'create']).action).toEqual({
      kind: 'help',
      topic: 'invite create',
    })
    expect(ok(['server', '--help']).action).toEqual({ kind: 'help', topic: 'server' })
  })

  it('rejects help about an unknown command', () => {
    expect(usage(['help', 'dance'])).toBe('no help for "dance": unknown command')
  })
})

describe('parseCommand: bad usages', () => {
  it.each<[string[], string]>([
    [['dance'], 'unknown command "dance"'],
    [['server'], '"server" needs a sub-command: server create'],
    [['server', 'delete', 'Home'], 'unknown command "server delete" (try: server create)'],
    [['register'], 'missing NAME (usage: paracord register NAME)'],
    [['login', 'alice', 'extra'], 'unexpected argument "extra" (usage: paracord login NAME)'],
    [
      ['channel', 'create', 'Home'],
      'missing NAME (usage: paracord channel create SERVER NAME [--voice] [--burn SECONDS])',
    ],
    [['send'], 'missing SERVER/CHANNEL (usage: paracord send SERVER/CHANNEL [TEXT])'],
    [['send', 'general', 'hi'], '"general" is not SERVER/CHANNEL (e.g. home/general)'],
    [['send', 'Home/', 'hi'], '"Home/" is not SERVER/CHANNEL (e.g. home/general)'],
    [['send', 'Home/general', ' '], 'TEXT is empty'],
    [['read', '/general'], '"/general" is not SERVER/CHANNEL (e.g. home/general)'],
    [['servers', '--frobnicate'], 'unknown option --frobnicate'],
    [['servers', '-x'], 'unknown option -x'],
    [['servers', '--constructor'], 'unknown option --constructor'],
    [['servers', '--voice'], 'servers does not take --voice'],
    [['send', 'Home/general', 'hi', '--limit', '3'], 'send does not take --limit'],
    [['channel', 'create', 'Home', 'x', '--burn'], '--burn needs a value (SECONDS)'],
    [['channel', 'create', 'Home', 'x', '--burn', '--voice'], '--burn needs a value (SECONDS)'],
    [
      ['channel', 'create', 'Home', 'x', '--burn', 'soon'],
      '--burn must be a whole number, not "soon"',
    ],
    [
      ['channel', 'create', 'Home', 'x', '--burn', '4'],
      '--burn must be between 5 and 1209600, not 4',
    ],
    [['channel', 'create', 'Home', 'x', '--voice=yes'], '--voice takes no value'],
    [['invite', 'create', 'Home', '--uses', '0'], '--uses must be between 1 and 10000, not 0'],
    [['invite', 'create', 'Home', '--uses', '2.5'], '--uses must be a whole number, not "2.5"'],
    [
      ['invite', 'create', 'Home', '--expires', '59'],
      '--expires must be between 60 and 2592000, not 59',
    ],
    [['read', 'Home/general', '--limit', '201'], '--limit must be between 1 and 200, not 201'],
    [['read', 'Home/general', '--limit', '-1'], '--limit needs a value (N)'],
    [['servers', '--data'], '--data needs a value (DIR)'],
    [
      ['servers', '--server', 'localhost:8443'],
      '--server must be an http:// or https:// URL; got "localhost:8443"',
    ],
    [
      ['servers', '--server', 'not a url'],
      '--server must be a URL like http://127.0.0.1:8443; got "not a url"',
    ],
    [
      ['servers', '--server', 'http://chat.example.org'],
      '--server must use https:// for a backend on another machine (plain http:// only for 127.0.0.1, ::1 or localhost); got "http://chat.example.org"',
    ],
    [['--voice'], '--voice needs a command'],
  ])('%j → %s', (argv, message) => {
    expect(usage(argv)).toBe(message)
  })

  it('names the command concerned, to point at its help', () => {
    const result = parseCommand(['kick', 'Home'])
    expect(result).toBeInstanceOf(UsageError)
    expect((result as UsageError).command).toBe('kick')
  })

  it('rejects a bad PARACORD_SERVER from the environment too', () => {
    expect(usage(['servers'], { PARACORD_SERVER: 'ftp://x' })).toBe(
      '--server must be an http:// or https:// URL; got "ftp://x"',
    )
    expect(usage(['servers'], { PARACORD_SERVER: 'http://10.0.0.5:8443' })).toMatch(
      /^--server must use https:\/\//,
    )
  })
})
