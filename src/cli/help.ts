// Help texts, generated from the command table so they cannot drift from what the parser accepts.
import { COMMANDS, GLOBAL_OPTIONS, findCommand, type OptionSpec } from './commands'
import { argLabels, usageLine } from './parse'

function optionLines(options: Readonly<Record<string, OptionSpec & { short?: string }>>): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`
    return [flag, o.description] as const
  })
  const width = Math.max(...rows.map(([flag]) => flag.length))
  return rows.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`)
}

export function generalHelp(): string {
  const rows = COMMANDS.map((c) => [[c.name, ...argLabels(c)].join(' '), c.summary] as const)
  const width = Math.max(...rows.map(([usage]) => usage.length))
  return [
    'Usage: paracord [options] COMMAND [arguments]',
    '',
    'The command-line client of paracord, the end-to-end-encrypted chat.',
    '',
    'Commands:',
    ...rows.map(([usage, summary]) => `  ${usage.padEnd(width)}  ${summary}`),
    '',
    'Options (on every command):',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'The password comes from $PARACORD_PASSWORD or a hidden prompt.',
    '--server local runs a backend on the profile folder for as long as the command runs.',
    'SERVER, CHANNEL and USER are a name (when unique) or an id.',
    'Exit codes: 0 done, 1 failed, 2 bad command line, 75 message queued (delivered later).',
    'Run `paracord COMMAND --help` for the details of one command.',
    '',
  ].join('\n')
}

/** Help for one command, or for a group ("server": every "server ..." command). */
export function commandHelp(topic: string): string {
  const spec = findCommand(topic)
  if (!spec) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${topic} `))
    return [...group.map((c) => commandHelp(c.name))].join('\n')
  }
  const lines = [`Usage: ${usageLine(spec)}`, '', `${capitalise(spec.summary)}.`]
  if (spec.details.length > 0) lines.push('', ...spec.details)
  if (Object.keys(spec.options).length > 0) lines.push('', 'Options:', ...optionLines(spec.options))
  lines.push('', 'Global options:', ...optionLines(GLOBAL_OPTIONS), '')
  return lines.join('\n')
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
