// @vitest-environment happy-dom
/// <reference types="vite/client" />
// The page names its own icon: without one a browser asks the web host for /favicon.ico on
// every load, and the console shows a 404 each time.
import { describe, expect, it } from 'vitest'
import indexHtml from '../../index.html?raw'

/** Files the page may point at, keyed by their address from src/renderer/index.html. */
const RESOURCES = Object.keys(import.meta.glob('../../../../resources/*')).map(
  (path) => new URL(path, 'file:///repo/src/renderer/src/app/page-icon.test.ts').href,
)

describe('index.html', () => {
  it('links an icon that exists', () => {
    const page = new DOMParser().parseFromString(indexHtml, 'text/html')
    const icon = page.querySelector<HTMLLinkElement>('link[rel~="icon"]')
    expect(icon).not.toBeNull()
    const href = new URL(icon!.getAttribute('href')!, 'file:///repo/src/renderer/index.html').href
    expect(RESOURCES).toContain(href)
    expect(href).toMatch(/\.svg$/)
  })
})
