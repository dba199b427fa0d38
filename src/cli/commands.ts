// What the command line accepts: one table of commands, from which the parser, the help text and
// the README's list are all read. Pure data; nothing here touches the core.

export interface OptionSpec {
  readonly type: 'boolean' | 'string'
  /** How the value is shown in help, e.g. "SECONDS"; booleans have none. */
  readonly value?: string
  readonly description: string
}

export interface CommandSpec {
  /** What the user types: one word, or a word and a sub-word ("server create"). */
  readonly name: string
  /** Positional arguments as shown in help, e.g. ["SERVER", "NAME"]. */
  readonly args: readonly string[]
  /** The last positional takes every remaining word (the text of a message). */
  readonly restArg?: boolean
  /** The last positional may be left out (shown in brackets). */
  readonly lastArgOptional?: boolean
  readonly options: Readonly<Record<string, OptionSpec>>
  readonly summary: string
  /** Extra lines for `paracord COMMAND --help`. */
  readonly details: readonly string[]
}

export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec & { short?: string }>> = {
  data: {
    type: 'string',
    value: 'DIR',
    description: 'profile folder (default $PARACORD_DATA or ./paracord-data)',
  },
  server: {
    type: 'string',
    value: 'URL',
    description:
      'backend address (https://, or http:// on this machine) or "local" (default $PARACORD_SERVER or http://127.0.0.1:8443)',
  },
  json: { type: 'boolean', description: 'print one JSON object per line' },
  help: { type: 'boolean', short: 'h', description: 'show help (for a command: its details)' },
}

export const DEFAULT_DATA_DIR = './paracord-data'
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8443'
/**
 * `--server local`: the backend the desktop app and the web host start when no server is
 * configured (server.db in the profile folder), run in its own process for one command.
 */
export const LOCAL_SERVER = 'local'
/** A new channel's burn timer when --burn is not given: one day. */
export const DEFAULT_BURN_SECONDS = 24 * 3600
export const DEFAULT_READ_LIMIT = 20

const REFS = 'SERVER, CHANNEL and USER are a name (when unique) or an id.'

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'register',
    args: ['NAME'],
    options: {},
    summary: 'create an account on the backend and sign in on this device',
    details: [
      'NAME is 3-32 letters, digits, ".", "_" or "-". The password is asked twice (hidden),',
      'or read from $PARACORD_PASSWORD. It never leaves this device.',
    ],
  },
  {
    name: 'login',
    args: ['NAME'],
    options: {},
    summary: 'sign in to an existing account on this device',
    details: ['The password is asked (hidden) or read from $PARACORD_PASSWORD.'],
  },
  {
    name: 'logout',
    args: [],
    options: {},
    summary: 'sign out and remove the account from this profile folder',
    details: ['The account stays on the backend; `paracord login NAME` brings it back.'],
  },
  {
    name: 'whoami',
    args: [],
    options: {},
    summary: 'show the signed-in account',
    details: [],
  },
  {
    name: 'servers',
    args: [],
    options: {},
    summary: 'list the servers you belong to',
    details: [],
  },
  {
    name: 'server create',
    args: ['NAME'],
    options: {},
    summary: 'create a server (you become its owner)',
    details: [],
  },
  {
    name: 'channels',
    args: ['SERVER'],
    options: {},
    summary: "list a server's channels",
    details: [REFS],
  },
  {
    name: 'channel create',
    args: ['SERVER', 'NAME'],
    options: {
      voice: { type: 'boolean', description: 'a voice channel instead of a text channel' },
      burn: {
        type: 'string',
        value: 'SECONDS',
        description: `messages burn after this long (5 to 1209600; default ${DEFAULT_BURN_SECONDS})`,
      },
    },
    summary: 'create a text (or voice) channel',
    details: [REFS],
  },
  {
    name: 'invite create',
    args: ['SERVER'],
    options: {
      uses: { type: 'string', value: 'N', description: 'how many times it may be used (1-10000)' },
      expires: {
        type: 'string',
        value: 'SECONDS',
        description: 'it expires after this long (60 to 2592000)',
      },
    },
    summary: 'create an invite code and link',
    details: [
      'Without --uses or --expires the invite works until revoked. The code carries a secret',
      'the backend never sees: share it only with the people you invite.',
      REFS,
    ],
  },
  {
    name: 'invites',
    args: ['SERVER'],
    options: {},
    summary: "list a server's invites",
    details: [REFS],
  },
  {
    name: 'join',
    args: ['CODE-OR-LINK'],
    options: {},
    summary: 'join a server with an invite code or link',
    details: [
      'A link (https://HOST/invite#CODE or paracord://invite/CODE?server=...) must name the server',
      'this profile is on.',
    ],
  },
  {
    name: 'members',
    args: ['SERVER'],
    options: {},
    summary: "list a server's members and their roles",
    details: [REFS],
  },
  {
    name: 'kick',
    args: ['SERVER', 'USER'],
    options: {},
    summary: 'remove a member (every key of the server is rotated)',
    details: [REFS],
  },
  {
    name: 'send',
    args: ['SERVER/CHANNEL', 'TEXT'],
    restArg: true,
    lastArgOptional: true,
    options: {},
    summary: 'send a message (without TEXT: each line of stdin)',
    details: [
      'The words after SERVER/CHANNEL are joined with spaces. Without TEXT each line of stdin is',
      'a message of its own, sent in order as it arrives (blank lines are skipped), and a summary',
      'ends the output; TEXT "-" sends the whole of stdin as one message.',
      'Put "--" before a text that starts with "-".',
      'When the backend cannot be reached, the message is queued on this device and the exit code',
      'is 75: the next paracord command (or daemon) with this profile delivers it, once.',
      REFS,
    ],
  },
  {
    name: 'read',
    args: ['SERVER/CHANNEL'],
    options: {
      limit: {
        type: 'string',
        value: 'N',
        description: `how many of the latest messages (1-200; default ${DEFAULT_READ_LIMIT})`,
      },
      follow: {
        type: 'boolean',
        description: 'keep printing new messages as they arrive, until Ctrl-C',
      },
    },
    summary: 'print the latest messages of a channel',
    details: [
      'With --json each line is a message {"type":"message",...}; with --follow also',
      '{"type":"burned","id":...} when a message burns and {"type":"deleted","id":...}.',
      REFS,
    ],
  },
  {
    name: 'safety-number',
    args: ['USER'],
    options: {},
    summary: "show the safety number to compare with a member's",
    details: [
      'Compare it out of band: the same digits on both sides mean no one sits between you.',
    ],
  },
  {
    name: 'leave',
    args: ['SERVER'],
    options: {},
    summary: 'leave a server',
    details: [REFS],
  },
  {
    name: 'daemon',
    args: [],
    options: {},
    summary: 'answer JSON-RPC 2.0 requests on stdin, one per line, unlocked once',
    details: [
      'Reads one JSON-RPC 2.0 request per line on stdin and answers each on stdout, in order, one',
      'JSON object per line. The profile is unlocked once, at the start (without a password it',
      'starts locked and waits for "unlock"), and stays unlocked until the daemon stops: when',
      'stdin ends, or on SIGTERM or Ctrl-C. Methods, with SERVER and CHANNEL as names or ids:',
      '  send {server, channel, text}      read {server, channel, limit?}',
      '  servers {}   channels {server}   members {server}   join {invite}',
      '  invite.create {server, maxUses?, expiresInSeconds?}   invites {server}',
      '  server.create {name}   channel.create {server, name, voice?, burnSeconds?}',
      '  whoami {}   unlock {password}',
      "and the app's own API methods with ids (src/shared/api.ts), e.g. editMessage, except those",
      'that sign in or out, change the password, lock, or use voice.',
      'Notifications (no id): ready, locked (call unlock), sent (a queued message went out),',
      'connection. Errors: -32700 not JSON, -32600 not a request, -32601 unknown method,',
      '-32602 bad params, -32001 locked, -32000 any other failure (error.data.code says which).',
    ],
  },
  {
    name: 'help',
    args: [],
    options: {},
    summary: 'show this list, or `paracord help COMMAND` for one command',
    details: [],
  },
]

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name)
}

/** Words that start a two-word command ("server" in "server create"). */
export const COMMAND_GROUPS: ReadonlySet<string> = new Set(
  COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!),
)
