import { describe, expect, it } from 'vitest'
import { refusedLaunchSwitches, refusedSwitchesMessage } from './launch-switches'

const exe = '/opt/paracord/paracord'

describe('refusedLaunchSwitches', () => {
  it('finds remote debugging and inspector switches in every spelling', () => {
    expect(refusedLaunchSwitches([exe, '--remote-debugging-port=9222'], 'linux')).toEqual([
      'remote-debugging-port',
    ])
    expect(refusedLaunchSwitches([exe, '-remote-debugging-port=9222'], 'linux')).toEqual([
      'remote-debugging-port',
    ])
    expect(refusedLaunchSwitches([exe, '--remote-debugging-pipe'], 'darwin')).toEqual([
      'remote-debugging-pipe',
    ])
    expect(
      refusedLaunchSwitches(
        [
          exe,
          '--inspect',
          '--inspect-brk=0',
          '--inspect_port=1',
          '--js-flags=--allow-natives-syntax',
        ],
        'linux',
      ),
    ).toEqual(['inspect', 'inspect-brk', 'inspect-port', 'js-flags'])
    expect(
      refusedLaunchSwitches(['C:\\paracord.exe', '/Remote-Debugging-Port=9222'], 'win32'),
    ).toEqual(['remote-debugging-port'])
    expect(refusedLaunchSwitches([exe, '--', '--inspect'], 'linux')).toEqual(['inspect'])
  })

  it('lets an ordinary launch through, invite links and paths included', () => {
    expect(refusedLaunchSwitches([exe], 'linux')).toEqual([])
    expect(
      refusedLaunchSwitches(
        [exe, '--no-sandbox', 'paracord://invite/AbCdEfGhIjKlMnOpQrStUv', '/inspect'],
        'linux',
      ),
    ).toEqual([])
    expect(refusedLaunchSwitches([exe, '--inspector-theme', '--debugger'], 'linux')).toEqual([])
  })
})

describe('refusedSwitchesMessage', () => {
  it('names what was refused and why', () => {
    expect(refusedSwitchesMessage(['remote-debugging-port', 'inspect'])).toBe(
      'paracord does not start with --remote-debugging-port, --inspect: it would let other ' +
        'programs on this computer read and control the app. Start paracord without it.',
    )
  })
})
