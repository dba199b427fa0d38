// When the app locks with the screen on Linux, where Electron's `lock-screen` event never fires
// (it is macOS and Windows only). Desktops announce a locked screen on D-Bus: the screensaver's
// ActiveChanged(true) on the session bus (org.freedesktop.ScreenSaver: KDE, Xfce, Cinnamon,
// MATE; org.gnome.ScreenSaver: GNOME), and logind's Lock on this login session's object on the
// system bus (`loginctl lock-session`, and what many lockers react to). The shell follows
// them through `gdbus monitor` (GLib's command-line tool, present wherever GLib is), which
// prints one line per signal; this file says what to watch and which lines mean "locked".

export interface DbusWatch {
  readonly bus: 'session' | 'system'
  readonly dest: string
  readonly objectPath: string | null
}

/**
 * logind's object path for a session id, escaped as sd-bus does (sd_bus_path_encode): every
 * byte but an ASCII letter, or a digit not in first place, becomes "_" and two hex digits.
 */
export function logindSessionPath(sessionId: string): string {
  let escaped = ''
  for (const [index, byte] of [...new TextEncoder().encode(sessionId)].entries()) {
    const char = String.fromCharCode(byte)
    const keep = /[A-Za-z]/.test(char) || (index > 0 && /[0-9]/.test(char))
    escaped += keep ? char : `_${byte.toString(16).padStart(2, '0')}`
  }
  return `/org/freedesktop/login1/session/${escaped === '' ? '_' : escaped}`
}

/**
 * What to monitor. Without XDG_SESSION_ID (this process's login session), logind's Lock of
 * any session counts: locking the app once too often is harmless.
 */
export function screenLockWatches(sessionId: string | undefined): DbusWatch[] {
  const session = sessionId?.trim() ? logindSessionPath(sessionId.trim()) : null
  return [
    { bus: 'session', dest: 'org.freedesktop.ScreenSaver', objectPath: null },
    { bus: 'session', dest: 'org.gnome.ScreenSaver', objectPath: null },
    { bus: 'system', dest: 'org.freedesktop.login1', objectPath: session },
  ]
}

/** `gdbus monitor`'s arguments for a watch. */
export function gdbusMonitorArgs(watch: DbusWatch, address?: string): string[] {
  return [
    'monitor',
    ...(address === undefined ? [`--${watch.bus}`] : ['--address', address]),
    '--dest',
    watch.dest,
    ...(watch.objectPath === null ? [] : ['--object-path', watch.objectPath]),
  ]
}

// gdbus prints a signal as "<object path>: <interface>.<member> <arguments as a GVariant>".
const SCREENSAVER_ACTIVE = /^\/\S*: org\.(freedesktop|gnome)\.ScreenSaver\.ActiveChanged \(true,\)$/
const SESSION_LOCK =
  /^(\/org\/freedesktop\/login1\/session\/\S+): org\.freedesktop\.login1\.Session\.Lock \(\)$/

/** Whether one line of `gdbus monitor` output says the screen was locked. */
export function meansScreenLocked(line: string): boolean {
  const text = line.trim()
  return SCREENSAVER_ACTIVE.test(text) || SESSION_LOCK.test(text)
}

/**
 * Whether a monitor has subscribed: gdbus prints whether the name has an owner once its match
 * rule is in place (it watches the name after adding the rule, on the same connection).
 */
export function meansMonitorReady(line: string): boolean {
  return /^The name \S+ (is owned by|does not have an owner)/.test(line.trim())
}
