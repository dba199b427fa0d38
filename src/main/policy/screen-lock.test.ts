import { describe, expect, it } from 'vitest'
import {
  gdbusMonitorArgs,
  logindSessionPath,
  meansMonitorReady,
  meansScreenLocked,
  screenLockWatches,
} from './screen-lock'

describe('meansScreenLocked', () => {
  it('reads the screensavers’ ActiveChanged(true) and logind’s Lock as gdbus prints them', () => {
    for (const line of [
      '/org/freedesktop/ScreenSaver: org.freedesktop.ScreenSaver.ActiveChanged (true,)',
      '/ScreenSaver: org.freedesktop.ScreenSaver.ActiveChanged (true,)',
      '/org/gnome/ScreenSaver: org.gnome.ScreenSaver.ActiveChanged (true,)',
      '/org/freedesktop/login1/session/_32: org.freedesktop.login1.Session.Lock ()',
    ]) {
      expect(meansScreenLocked(line), line).toBe(true)
    }
  })

  it('ignores unlocking, other signals and gdbus’s own chatter', () => {
    for (const line of [
      '/org/freedesktop/ScreenSaver: org.freedesktop.ScreenSaver.ActiveChanged (false,)',
      '/org/freedesktop/login1/session/_32: org.freedesktop.login1.Session.Unlock ()',
      '/org/freedesktop/login1: org.freedesktop.login1.Manager.PrepareForSleep (true,)',
      'Monitoring signals from all objects owned by org.freedesktop.ScreenSaver',
      'The name org.freedesktop.ScreenSaver does not have an owner',
      "/org/x: org.freedesktop.DBus.Properties.PropertiesChanged ('ActiveChanged (true,)', {}, @as [])",
      '',
    ]) {
      expect(meansScreenLocked(line), line).toBe(false)
    }
  })
})

describe('screenLockWatches', () => {
  it('watches both screensaver names and this login session’s Lock', () => {
    expect(screenLockWatches('2')).toEqual([
      { bus: 'session', dest: 'org.freedesktop.ScreenSaver', objectPath: null },
      { bus: 'session', dest: 'org.gnome.ScreenSaver', objectPath: null },
      {
        bus: 'system',
        dest: 'org.freedesktop.login1',
        objectPath: '/org/freedesktop/login1/session/_32',
      },
    ])
    expect(screenLockWatches(undefined)[2]).toMatchObject({ objectPath: null })
    expect(screenLockWatches('  ')[2]).toMatchObject({ objectPath: null })
  })

  it('escapes session ids as logind names their objects', () => {
    expect(logindSessionPath('2')).toBe('/org/freedesktop/login1/session/_32')
    expect(logindSessionPath('12')).toBe('/org/freedesktop/login1/session/_312')
    expect(logindSessionPath('c1')).toBe('/org/freedesktop/login1/session/c1')
    expect(logindSessionPath('a-b')).toBe('/org/freedesktop/login1/session/a_2db')
    expect(logindSessionPath('')).toBe('/org/freedesktop/login1/session/_')
  })

  it('turns a watch into gdbus monitor arguments', () => {
    const [saver, , logind] = screenLockWatches('c3')
    expect(gdbusMonitorArgs(saver!)).toEqual([
      'monitor',
      '--session',
      '--dest',
      'org.freedesktop.ScreenSaver',
    ])
    expect(gdbusMonitorArgs(logind!)).toEqual([
      'monitor',
      '--system',
      '--dest',
      'org.freedesktop.login1',
      '--object-path',
      '/org/freedesktop/login1/session/c3',
    ])
    expect(gdbusMonitorArgs(saver!, 'unix:path=/tmp/bus')).toContain('unix:path=/tmp/bus')
  })

  it('knows when gdbus has subscribed', () => {
    expect(meansMonitorReady('The name org.gnome.ScreenSaver does not have an owner')).toBe(true)
    expect(
      meansMonitorReady('The name org.freedesktop.DBus is owned by org.freedesktop.DBus'),
    ).toBe(true)
    expect(meansMonitorReady('Monitoring signals from all objects owned by x')).toBe(false)
  })
})
