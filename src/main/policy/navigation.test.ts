import { describe, expect, it } from 'vitest'
import { appOrigin } from './app-origin'
import {
  confirmExternalDialog,
  externalUrl,
  navigationDecision,
  windowOpenDecision,
} from './navigation'

const built = appOrigin(null)

describe('navigationDecision', () => {
  it('lets only the app’s own page load in the window', () => {
    expect(navigationDecision('app://paracord/index.html', built)).toEqual({ action: 'allow' })
    expect(navigationDecision('app://paracord/index.html#/x', built)).toEqual({ action: 'allow' })
    expect(navigationDecision('app://paracord/other.html', built)).toEqual({ action: 'deny' })
    const dev = appOrigin('http://localhost:5173')
    expect(navigationDecision('http://localhost:5173/', dev)).toEqual({ action: 'allow' })
    expect(navigationDecision('http://localhost:5174/', dev)).toMatchObject({
      action: 'confirm-external',
    })
  })

  it('offers web and mail links to the browser after confirmation, drops everything else', () => {
    expect(navigationDecision('https://example.com/a?b=c', built)).toEqual({
      action: 'confirm-external',
      url: 'https://example.com/a?b=c',
    })
    expect(navigationDecision('mailto:someone@example.com', built)).toMatchObject({
      action: 'confirm-external',
    })
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'paracord://invite/abc',
      'smb://server/share',
      'data:text/html,<script>1</script>',
      'https://bank.example@evil.example/',
      'not a url',
    ]) {
      expect(navigationDecision(url, built), url).toEqual({ action: 'deny' })
    }
  })
})

describe('windowOpenDecision', () => {
  it('never opens a window; web links go to the browser after confirmation', () => {
    expect(windowOpenDecision('app://paracord/index.html')).toEqual({ action: 'deny' })
    expect(windowOpenDecision('http://example.com/')).toEqual({
      action: 'confirm-external',
      url: 'http://example.com/',
    })
    expect(windowOpenDecision('about:blank')).toEqual({ action: 'deny' })
  })
})

describe('externalUrl and confirmExternalDialog', () => {
  it('normalises what is handed over and names the destination in the question', () => {
    expect(externalUrl('HTTPS://Example.COM')).toBe('https://example.com/')
    const dialog = confirmExternalDialog('https://example.com/page')
    expect(dialog.message).toBe('Open example.com in your browser?')
    expect(dialog.detail).toContain('https://example.com/page')
    expect(dialog.buttons[dialog.openButton]).toBe('Open link')
    expect(dialog.defaultId).toBe(dialog.cancelId)
    expect(dialog.defaultId).not.toBe(dialog.openButton)
  })
})

describe('mailto links', () => {
  it('keep only the addresses, the subject and the body', () => {
    expect(
      externalUrl(
        'mailto:a@example.com,b@example.com?Subject=hi%20there&attach=/home/me/.ssh/id_ed25519' +
          '&body=x+y%26z&cc=c@example.com&bcc=d@example.com&attachment=C:%5Ckey',
      ),
    ).toBe('mailto:a@example.com,b@example.com?subject=hi%20there&body=x%2By%26z')
    expect(externalUrl('mailto:a@example.com?attach=/etc/passwd')).toBe('mailto:a@example.com')
    expect(externalUrl('mailto:a@example.com')).toBe('mailto:a@example.com')
    expect(externalUrl('mailto:a@example.com?subject=one&subject=two')).toBe(
      'mailto:a@example.com?subject=one',
    )
  })

  it('are dropped when they name no address or cannot be read', () => {
    expect(externalUrl('mailto:?to=a@example.com&attach=/etc/passwd')).toBeNull()
    expect(externalUrl('mailto:a@example.com?subject=%E0%A4%A')).toBeNull()
  })

  it('are offered as stripped, and the question names the address', () => {
    expect(navigationDecision('mailto:a@example.com?attach=/etc/passwd', built)).toEqual({
      action: 'confirm-external',
      url: 'mailto:a@example.com',
    })
    expect(confirmExternalDialog('mailto:a@example.com').message).toBe(
      'Open a@example.com in your browser?',
    )
  })
})
