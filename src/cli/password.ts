// The password: from $PARACORD_PASSWORD (scripts), or typed at a hidden prompt (people). Never
// from a flag, where it would sit in the shell history and the process list.
import type { Env } from './parse'
import { CliError } from './errors'

export interface PasswordSource {
  readonly env: Env
  readonly input: NodeJS.ReadStream
  /** Where the prompt goes: stderr, so stdout stays clean for scripts. */
  readonly prompt: NodeJS.WriteStream
}

/** Whether readPassword has somewhere to read from: the environment, or a terminal. */
export function hasPasswordSource(source: Pick<PasswordSource, 'env' | 'input'>): boolean {
  return source.env.PARACORD_PASSWORD !== undefined || source.input.isTTY === true
}

export async function readPassword(
  source: PasswordSource,
  options: { confirm?: boolean } = {},
): Promise<string> {
  const fromEnv = source.env.PARACORD_PASSWORD
  if (fromEnv !== undefined) {
    if (fromEnv === '') throw new CliError('PARACORD_PASSWORD is set but empty')
    return fromEnv
  }
  if (!hasPasswordSource(source)) {
    throw new CliError('no password: set PARACORD_PASSWORD or run paracord in a terminal')
  }
  const password = await promptHidden(source, 'Password: ')
  if (password === '') throw new CliError('the password is empty')
  if (options.confirm) {
    const again = await promptHidden(source, 'Password again: ')
    if (again !== password) throw new CliError('the two passwords differ')
  }
  return password
}

/** Reads one line in raw mode, echoing nothing. Ctrl-C or Ctrl-D cancels. */
function promptHidden(source: PasswordSource, label: string): Promise<string> {
  const { input, prompt } = source
  prompt.write(label)
  return new Promise((resolve, reject) => {
    let typed = ''
    const finish = (error: CliError | null) => {
      input.off('data', onData)
      input.setRawMode(false)
      input.pause()
      prompt.write('\n')
      if (error) reject(error)
      else resolve(typed)
    }
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish(null)
        if (char === '\u0003' || (char === '\u0004' && typed === '')) {
          return finish(new CliError('cancelled'))
        }
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('')
        else if (char >= ' ') typed += char
      }
    }
    input.setRawMode(true)
    input.resume()
    input.on('data', onData)
  })
}
