// argv → a typed Command, or a UsageError saying what is wrong. Pure: reads only its arguments
// (the environment is passed in), so every usage rule is unit-tested without running anything.
import { parseArgs } from 'node:util'
import { parseServerUrl, ServerUrlError } from '../core/net/server-url'
import { BURN_SECONDS_MAX, BURN_SECONDS_MIN } from '../shared/api'
import {
  COMMAND_GROUPS,
  COMMANDS,
  DEFAULT_BURN_SECONDS,
  DEFAULT_DATA_DIR,
  DEFAULT_READ_LIMIT,
  DEFAULT_SERVER_URL,
  GLOBAL_OPTIONS,
  LOCAL_SERVER,
  findCommand,
  type CommandSpec,
  type OptionSpec,
} from './commands'

export interface GlobalOptions {
  readonly dataDir: string
  readonly serverUrl: string
  readonly json: boolean
}

/** "SERVER/CHANNEL" split at the first "/" (ids never contain one). */
export interface ChannelRef {
  readonly server: string
  readonly channel: string
}

export type Action =
  | { readonly kind: 'help'; readonly topic: string | null }
  | { readonly kind: 'register'; readonly name: string }
  | { readonly kind: 'login'; readonly name: string }
  | { readonly kind: 'logout' }
  | { readonly kind: 'whoami' }
  | { readonly kind: 'servers' }
  | { readonly kind: 'server create'; readonly name: string }
  | { readonly kind: 'channels'; readonly server: string }
  | {
      readonly kind: 'channel create'
      readonly server: string
      readonly name: string
      readonly voice: boolean
      readonly burnSeconds: number
    }
  | {
      readonly kind: 'invite create'
      readonly server: string
      readonly maxUses: number | null
      readonly expiresInSeconds: number | null
    }
  | { readonly kind: 'invites'; readonly server: string }
  | { readonly kind: 'join'; readonly invite: string }
  | { readonly kind: 'members'; readonly server: string }
  | { readonly kind: 'kick'; readonly server: string; readonly user: string }
  /** text "-": the whole of stdin is the message; null: each line of stdin is one. */
  | { readonly kind: 'send'; readonly target: ChannelRef; readonly text: string | null }
  | {
      readonly kind: 'read'
      readonly target: ChannelRef
      readonly limit: number
      readonly follow: boolean
    }
  | { readonly kind: 'safety-number'; readonly user: string }
  | { readonly kind: 'leave'; readonly server: string }
  | { readonly kind: 'daemon' }

export type ActionKind = Action['kind']

export interface Command {
  readonly global: GlobalOptions
  readonly action: Action
}

/** A command line that cannot run; the message says why (exit code 2). */
export class UsageError {
  constructor(
    readonly message: string,
    /** The command it concerns, for pointing at its help. */
    readonly command: string | null = null,
  ) {}
}

export type Env = Readonly<Record<string, string | undefined>>

const ALL_OPTIONS: Record<string, OptionSpec & { short?: string }> = {
  ...GLOBAL_OPTIONS,
  ...(Object.assign({}, ...COMMANDS.map((c) => c.options)) as Record<string, OptionSpec>),
}

export function parseCommand(argv: readonly string[], env: Env = {}): Command | UsageError {
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(
      Object.entries(ALL_OPTIONS).map(([name, o]) => [
        name,
        o.short ? { type: o.type, short: o.short } : { type: o.type },
      ]),
    ),
    // Non-strict: every mistake is reported here in the CLI's own words.
    strict: false,
    allowPositionals: true,
    tokens: true,
  })

  const positionals: string[] = []
  const given = new Map<string, { raw: string; value: string | undefined; inline: boolean }>()
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value)
    if (token.kind === 'option') {
      given.set(token.name, {
        raw: token.rawName,
        value: token.value,
        inline: token.inlineValue === true,
      })
    }
  }

  // 1. Which command: one word, or a group word and its sub-word.
  const first = positionals.shift()
  let spec: CommandSpec | undefined
  if (first !== undefined && COMMAND_GROUPS.has(first)) {
    const sub = positionals.shift()
    spec = sub === undefined ? undefined : findCommand(`${first} ${sub}`)
    if (!spec && !given.has('help')) {
      const known = COMMANDS.filter((c) => c.name.startsWith(`${first} `)).map((c) => c.name)
      return new UsageError(
        sub === undefined
          ? `"${first}" needs a sub-command: ${known.join(', ')}`
          : `unknown command "${first} ${sub}" (try: ${known.join(', ')})`,
      )
    }
  } else if (first !== undefined) {
    spec = findCommand(first)
    if (!spec) return new UsageError(`unknown command "${first}"`)
  }

  // 2. Options: known, allowed for this command, with a value when they need one. A word that
  //    only looks like one (an invite code or a text starting with "-") is named whole.
  const optionLike = findUnknownOption(argv)
  if (optionLike) return unknownOption(argv, optionLike, spec)
  for (const [name, option] of given) {
    const known = ALL_OPTIONS[name]
    if (!known) return new UsageError(`unknown option ${option.raw}`, spec?.name ?? null)
    const isGlobal = name in GLOBAL_OPTIONS
    if (!isGlobal && spec && !(name in spec.options)) {
      return new UsageError(`${spec.name} does not take --${name}`, spec.name)
    }
    if (!isGlobal && !spec) return new UsageError(`--${name} needs a command`)
    if (known.type === 'string') {
      const missing =
        option.value === undefined ||
        option.value === '' ||
        (!option.inline && option.value.startsWith('-'))
      if (missing) return new UsageError(`--${name} needs a value (${known.value})`, spec?.name)
    } else if (option.value !== undefined) {
      return new UsageError(`--${name} takes no value`, spec?.name ?? null)
    }
  }

  const str = (name: string): string | undefined => given.get(name)?.value
  const global: GlobalOptions = {
    dataDir: str('data') ?? nonEmpty(env.PARACORD_DATA) ?? DEFAULT_DATA_DIR,
    serverUrl: str('server') ?? nonEmpty(env.PARACORD_SERVER) ?? DEFAULT_SERVER_URL,
    json: given.has('json'),
  }
  const serverUrlProblem = checkServerUrl(global.serverUrl)
  if (serverUrlProblem) return new UsageError(serverUrlProblem, spec?.name ?? null)

  // 3. Help wins over everything else the command line says.
  if (!spec || spec.name === 'help' || given.has('help')) {
    const topic = spec?.name === 'help' ? positionals.join(' ') || null : (spec?.name ?? null)
    const groupTopic = topic ?? (first !== undefined && COMMAND_GROUPS.has(first) ? first : null)
    if (groupTopic && !helpTopicExists(groupTopic)) {
      return new UsageError(`no help for "${groupTopic}": unknown command`)
    }
    return { global, action: { kind: 'help', topic: groupTopic } }
  }

  // 4. Positional arguments.
  const usage = usageLine(spec)
  const required = spec.lastArgOptional ? spec.args.length - 1 : spec.args.length
  if (positionals.length < required) {
    return new UsageError(`missing ${spec.args[positionals.length]} (usage: ${usage})`, spec.name)
  }
  if (!spec.restArg && positionals.length > spec.args.length) {
    return new UsageError(
      `unexpected argument "${positionals[spec.args.length]}" (usage: ${usage})`,
      spec.name,
    )
  }
  const args =
    spec.restArg && positionals.length >= spec.args.length
      ? [
          ...positionals.slice(0, spec.args.length - 1),
          positionals.slice(spec.args.length - 1).join(' '),
        ]
      : positionals
  for (const [i, value] of args.entries()) {
    if (value.trim() === '') return new UsageError(`${spec.args[i]} is empty`, spec.name)
  }

  const action = buildAction(spec.name, args, str, (n) => given.has(n))
  if (action instanceof UsageError) return action
  return { global, action }
}

function buildAction(
  name: string,
  args: readonly string[],
  str: (option: string) => string | undefined,
  flag: (option: string) => boolean,
): Action | UsageError {
  const a = (i: number): string => args[i]!
  switch (name) {
    case 'register':
    case 'login':
      return { kind: name, name: a(0) }
    case 'logout':
    case 'whoami':
    case 'servers':
      return { kind: name }
    case 'server create':
      return { kind: name, name: a(0) }
    case 'channels':
    case 'invites':
    case 'members':
    case 'leave':
      return { kind: name, server: a(0) }
    case 'channel create': {
      const burn = str('burn')
      const burnSeconds =
        burn === undefined
          ? DEFAULT_BURN_SECONDS
          : parseInteger('--burn', burn, BURN_SECONDS_MIN, BURN_SECONDS_MAX, name)
      if (burnSeconds instanceof UsageError) return burnSeconds
      return { kind: name, server: a(0), name: a(1), voice: flag('voice'), burnSeconds }
    }
    case 'invite create': {
      const uses = str('uses')
      const expires = str('expires')
      const maxUses = uses === undefined ? null : parseInteger('--uses', uses, 1, 10_000, name)
      if (maxUses instanceof UsageError) return maxUses
      const expiresInSeconds =
        expires === undefined ? null : parseInteger('--expires', expires, 60, 30 * 24 * 3600, name)
      if (expiresInSeconds instanceof UsageError) return expiresInSeconds
      return { kind: name, server: a(0), maxUses, expiresInSeconds }
    }
    case 'join':
      return { kind: name, invite: a(0).trim() }
    case 'kick':
      return { kind: name, server: a(0), user: a(1) }
    case 'send': {
      const target = parseChannelRef(a(0), name)
      if (target instanceof UsageError) return target
      return { kind: name, target, text: args[1] ?? null }
    }
    case 'read': {
      const target = parseChannelRef(a(0), name)
      if (target instanceof UsageError) return target
      const rawLimit = str('limit')
      const limit =
        rawLimit === undefined
          ? DEFAULT_READ_LIMIT
          : parseInteger('--limit', rawLimit, 1, 200, name)
      if (limit instanceof UsageError) return limit
      return { kind: name, target, limit, follow: flag('follow') }
    }
    case 'safety-number':
      return { kind: name, user: a(0) }
    case 'daemon':
      return { kind: name }
    default:
      return new UsageError(`unknown command "${name}"`)
  }
}

export function parseChannelRef(
  text: string,
  command: string | null = null,
): ChannelRef | UsageError {
  const slash = text.indexOf('/')
  if (slash < 0) {
    return new UsageError(`"${text}" is not SERVER/CHANNEL (e.g. home/general)`, command)
  }
  const server = text.slice(0, slash).trim()
  const channel = text.slice(slash + 1).trim()
  if (server === '' || channel === '') {
    return new UsageError(`"${text}" is not SERVER/CHANNEL (e.g. home/general)`, command)
  }
  return { server, channel }
}

function parseInteger(
  option: string,
  text: string,
  min: number,
  max: number,
  command: string,
): number | UsageError {
  if (!/^\d+$/.test(text)) {
    return new UsageError(`${option} must be a whole number, not "${text}"`, command)
  }
  const value = Number(text)
  if (value < min || value > max) {
    return new UsageError(`${option} must be between ${min} and ${max}, not ${text}`, command)
  }
  return value
}

/** The core's one rule for backend URLs (plain http:// on this machine only), said up front. */
function checkServerUrl(url: string): string | null {
  if (url === LOCAL_SERVER) return null
  try {
    parseServerUrl(url, '--server')
    return null
  } catch (error) {
    if (error instanceof ServerUrlError) return error.message
    throw error
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

function helpTopicExists(topic: string): boolean {
  return findCommand(topic) !== undefined || COMMAND_GROUPS.has(topic)
}

/** "paracord channel create SERVER NAME [--voice] [--burn SECONDS]" */
export function usageLine(spec: CommandSpec): string {
  const options = Object.entries(spec.options).map(([name, o]) =>
    o.type === 'boolean' ? `[--${name}]` : `[--${name} ${o.value}]`,
  )
  const args = spec.name === 'help' ? ['[COMMAND]'] : argLabels(spec)
  return ['paracord', spec.name, ...args, ...options].join(' ')
}

/** The positional arguments as help shows them: ["SERVER/CHANNEL", "[TEXT]"]. */
export function argLabels(spec: CommandSpec): string[] {
  return spec.args.map((arg, i) =>
    spec.lastArgOptional && i === spec.args.length - 1 ? `[${arg}]` : arg,
  )
}

/**
 * The first word before "--" that is not an option this CLI knows, with its index in argv:
 * a single-dash word other than -h (there are no other short options, so "-GGqh..." is never
 * a group of them) or a long option of unknown name. The value of a string option is skipped.
 */
function findUnknownOption(argv: readonly string[]): { index: number; word: string } | null {
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index]!
    if (word === '--') return null
    if (word.startsWith('--')) {
      const name = word.slice(2).split('=')[0]!
      const known = Object.hasOwn(ALL_OPTIONS, name) ? ALL_OPTIONS[name] : undefined
      if (!known) return { index, word }
      if (known.type === 'string' && !word.includes('=')) index++
    } else if (word.startsWith('-') && word !== '-' && word !== '-h') {
      return { index, word }
    }
  }
  return null
}

/**
 * "unknown option -x", and where the word is more likely an argument (an invite code, a text
 * starting with "-"), the command line that passes it as one.
 */
function unknownOption(
  argv: readonly string[],
  { index, word }: { index: number; word: string },
  spec: CommandSpec | undefined,
): UsageError {
  const command = spec?.name ?? null
  const looksLikeArgument =
    spec !== undefined && spec.args.length > 0 && (spec.name === 'join' || !word.startsWith('--'))
  if (!looksLikeArgument) return new UsageError(`unknown option ${word}`, command)
  const what = spec.name === 'join' ? 'an invite code' : 'an argument'
  const suggestion = ['paracord', ...argv.slice(0, index), '--', ...argv.slice(index)]
  return new UsageError(
    `unknown option ${word}; ${what} that starts with "-" goes after "--": ${suggestion.join(' ')}`,
    command,
  )
}
