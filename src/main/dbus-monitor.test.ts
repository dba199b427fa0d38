// The D-Bus follower against a real bus: a private dbus-daemon started for the test, signals
// raised on it with gdbus. (Owning a screensaver's name to raise its own signal needs a D-Bus
// library; the bus's own NameOwnerChanged shows the same path from signal to line, and
// policy/screen-lock.test.ts reads the screensavers' lines.)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { monitorDbus } from './dbus-monitor'

let daemon: ChildProcess
let address: string

beforeAll(async () => {
  daemon = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  address = await new Promise<string>((resolve, reject) => {
    daemon.once('error', reject)
    daemon.once('exit', (code) => reject(new Error(`dbus-daemon ended with status ${code}`)))
    createInterface({ input: daemon.stdout! }).once('line', resolve)
  })
})

afterAll(() => {
  daemon.kill()
})

const busWatch = {
  bus: 'session',
  dest: 'org.freedesktop.DBus',
  objectPath: '/org/freedesktop/DBus',
} as const

function takeName(name: string) {
  const result = spawnSync('gdbus', [
    'call',
    '--address',
    address,
    '--dest',
    'org.freedesktop.DBus',
    '--object-path',
    '/org/freedesktop/DBus',
    '--method',
    'org.freedesktop.DBus.RequestName',
    name,
    '0',
  ])
  expect(result.status, String(result.stderr)).toBe(0)
}

describe('monitorDbus', () => {
  it('hands over each signal on the bus as the line gdbus prints, until stopped', async () => {
    const errors: unknown[] = []
    let seen: (line: string) => void = () => {}
    const signalled = new Promise<string>((resolve) => (seen = resolve))
    const monitor = monitorDbus({
      watches: [busWatch],
      address,
      onLine: (line) => {
        if (line.includes("NameOwnerChanged ('org.paracord.Test'")) seen(line)
      },
      onError: (what, error) => errors.push([what, error]),
    })
    await monitor.ready
    takeName('org.paracord.Test')
    expect(await signalled).toMatch(
      /^\/org\/freedesktop\/DBus: org\.freedesktop\.DBus\.NameOwnerChanged \('org\.paracord\.Test', '', ':1\.\d+'\)$/,
    )
    monitor.stop()
    await monitor.ended
    expect(errors).toEqual([])
  })

  it('says so once when gdbus is missing, and carries on', async () => {
    const errors: string[] = []
    const monitor = monitorDbus({
      watches: [busWatch, { ...busWatch, bus: 'system' }],
      gdbus: '/nonexistent/gdbus',
      onLine: () => {},
      onError: (what, error) => errors.push(`${what}: ${(error as NodeJS.ErrnoException).code}`),
    })
    await monitor.ready
    await monitor.ended
    expect(errors).toEqual([
      'following org.freedesktop.DBus on the session bus: ENOENT',
      'following org.freedesktop.DBus on the system bus: ENOENT',
    ])
  })

  it('says so when the bus cannot be reached', async () => {
    const errors: string[] = []
    const monitor = monitorDbus({
      watches: [busWatch],
      address: 'unix:path=/nonexistent/bus',
      onLine: () => {},
      onError: (what, error) => errors.push(`${what}: ${(error as Error).message}`),
    })
    await monitor.ended
    expect(errors).toEqual([
      'following org.freedesktop.DBus on the session bus: gdbus monitor ended with status 1',
    ])
  })
})
