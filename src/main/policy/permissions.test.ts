import { describe, expect, it } from 'vitest'
import { appOrigin } from './app-origin'
import { permissionCheckDecision, permissionRequestDecision } from './permissions'

const built = appOrigin(null)
const request = {
  permission: 'media',
  requestingUrl: 'app://paracord/index.html',
  isMainFrame: true,
  mediaTypes: ['audio'],
}

describe('permissionRequestDecision', () => {
  it('grants the microphone to the app’s own page', () => {
    expect(permissionRequestDecision(request, built)).toBe(true)
  })

  it('refuses the camera, audio with video, and a media request naming nothing', () => {
    expect(permissionRequestDecision({ ...request, mediaTypes: ['video'] }, built)).toBe(false)
    expect(permissionRequestDecision({ ...request, mediaTypes: ['audio', 'video'] }, built)).toBe(
      false,
    )
    expect(permissionRequestDecision({ ...request, mediaTypes: [] }, built)).toBe(false)
    const { mediaTypes: _omitted, ...withoutTypes } = request
    expect(permissionRequestDecision(withoutTypes, built)).toBe(false)
  })

  it('refuses every other permission, other origins and subframes', () => {
    for (const permission of [
      'notifications',
      'geolocation',
      'display-capture',
      'clipboard-read',
      'openExternal',
      'midiSysex',
      'fileSystem',
      'unknown',
    ]) {
      expect(permissionRequestDecision({ ...request, permission }, built), permission).toBe(false)
    }
    expect(
      permissionRequestDecision({ ...request, requestingUrl: 'https://evil.example/' }, built),
    ).toBe(false)
    expect(permissionRequestDecision({ ...request, isMainFrame: false }, built)).toBe(false)
  })
})

describe('permissionCheckDecision', () => {
  const check = {
    permission: 'media',
    requestingOrigin: 'app://paracord',
    isMainFrame: true,
    mediaType: 'audio',
  }
  it('answers checks the same way: audio for the app only', () => {
    expect(permissionCheckDecision(check, built)).toBe(true)
    expect(permissionCheckDecision({ ...check, mediaType: 'video' }, built)).toBe(false)
    expect(permissionCheckDecision({ ...check, mediaType: 'unknown' }, built)).toBe(false)
    expect(permissionCheckDecision({ ...check, permission: 'notifications' }, built)).toBe(false)
    expect(permissionCheckDecision({ ...check, requestingOrigin: 'app://evil' }, built)).toBe(false)
    expect(permissionCheckDecision({ ...check, isMainFrame: false }, built)).toBe(false)
  })
})
