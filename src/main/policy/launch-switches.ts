// Switches an installed app refuses to start with. --remote-debugging-port (or -pipe) would let
// any local process drive the window through the DevTools protocol and read everything the
// page shows; --inspect and friends would attach a debugger to the main process, which holds
// the keys. The fuses already make Node ignore --inspect; this refuses all of them outright,
// before Chromium starts its DevTools server (it does so after the main script first runs).
// A source checkout (`npm start`, the end-to-end tests, which drive the app through exactly
// these switches) is not refused.

/** Chromium's remote-debugging switches: also removed from its command line before exiting. */
export const REFUSED_CHROMIUM_SWITCHES = [
  'remote-debugging-port',
  'remote-debugging-pipe',
  'remote-debugging-address',
  'remote-allow-origins',
] as const

const REFUSED_NODE_SWITCHES = [
  'inspect',
  'inspect-brk',
  'inspect-brk-node',
  'inspect-port',
  'inspect-wait',
  'inspect-publish-uid',
  'debug',
  'debug-brk',
  'debug-port',
  'js-flags',
] as const

const REFUSED: ReadonlySet<string> = new Set([
  ...REFUSED_CHROMIUM_SWITCHES,
  ...REFUSED_NODE_SWITCHES,
])

/**
 * The refused switches among `argv`, by name. Chromium reads "--name" and "-name" (and "/name"
 * on Windows) and ignores case on Windows; Node takes "_" for "-". All of those count, anywhere
 * in argv: refusing a look-alike costs nothing.
 */
export function refusedLaunchSwitches(argv: readonly string[], platform: string): string[] {
  const found = new Set<string>()
  for (const argument of argv) {
    const body = /^--?/.test(argument)
      ? argument.replace(/^--?/, '')
      : platform === 'win32' && argument.startsWith('/')
        ? argument.slice(1)
        : null
    if (body === null) continue
    const name = (body.split('=', 1)[0] ?? '').toLowerCase().replace(/_/g, '-')
    if (REFUSED.has(name)) found.add(name)
  }
  return [...found]
}

export function refusedSwitchesMessage(names: readonly string[]): string {
  return (
    `paracord does not start with ${names.map((name) => `--${name}`).join(', ')}: ` +
    'it would let other programs on this computer read and control the app. ' +
    'Start paracord without it.'
  )
}
