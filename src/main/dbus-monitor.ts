// Follows D-Bus signals through `gdbus monitor` child processes (no native D-Bus binding is
// needed): one process per watch, each output line handed to `onLine`. A missing gdbus or bus
// is reported once per watch and otherwise ignored: the app then just does not learn of the
// signal, as before. No Electron here, so it is tested against a real bus.
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { gdbusMonitorArgs, meansMonitorReady, type DbusWatch } from './policy/screen-lock'

export interface DbusMonitorOptions {
  readonly watches: readonly DbusWatch[]
  readonly onLine: (line: string) => void
  readonly onError: (what: string, error: unknown) => void
  /** A private bus instead of the session and system buses (tests). */
  readonly address?: string
  readonly gdbus?: string
}

export interface DbusMonitor {
  /** Settles once every monitor has subscribed, or has ended. */
  readonly ready: Promise<void>
  /** Settles once every monitor process has ended. */
  readonly ended: Promise<void>
  stop(): void
}

export function monitorDbus(options: DbusMonitorOptions): DbusMonitor {
  const children: ChildProcess[] = []
  const endings: Promise<void>[] = []
  let stopped = false
  const readiness = options.watches.map((watch) => {
    const child = spawn(options.gdbus ?? 'gdbus', gdbusMonitorArgs(watch, options.address), {
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    children.push(child)
    endings.push(
      new Promise((resolve) => {
        child.once('close', () => resolve())
      }),
    )
    return new Promise<void>((resolve) => {
      const what = `following ${watch.dest} on the ${watch.bus} bus`
      child.once('error', (error) => {
        options.onError(what, error)
        resolve()
      })
      child.once('exit', (code) => {
        if (!stopped && code !== 0 && code !== null)
          options.onError(what, new Error(`gdbus monitor ended with status ${code}`))
        resolve()
      })
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (meansMonitorReady(line)) resolve()
        options.onLine(line)
      })
    })
  })
  return {
    ready: Promise.all(readiness).then(() => undefined),
    ended: Promise.all(endings).then(() => undefined),
    stop() {
      stopped = true
      for (const child of children) if (child.exitCode === null) child.kill()
    },
  }
}
