// Test-only: the real renderer, built into a folder of its own (so no other test's out/renderer
// is touched), and readers for what its page asks a host for: the stylesheet, the font files the
// stylesheet names, and whether the page's Content-Security-Policy lets fonts load.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildRendererIfStale } from '../../build/node-build.mjs'

export interface BuiltRenderer {
  /** The folder holding index.html and assets/, as a host serves it. */
  readonly root: string
  dispose(): Promise<void>
}

export async function buildRenderer(): Promise<BuiltRenderer> {
  const dir = await mkdtemp(join(tmpdir(), 'paracord-built-renderer-'))
  const root = join(dir, 'renderer')
  await buildRendererIfStale({ outDir: root })
  return { root, dispose: () => rm(dir, { recursive: true, force: true }) }
}

/** The address of the page's one stylesheet, as index.html writes it. */
export function stylesheetHref(indexHtml: string): string {
  const links = [...indexHtml.matchAll(/<link\b[^>]*\brel=["']?stylesheet\b[^>]*>/gi)]
  const href = links.length === 1 ? /\bhref=["']?([^"' >]+)/i.exec(links[0]![0])?.[1] : undefined
  if (href === undefined)
    throw new Error(`expected one stylesheet link in index.html:\n${indexHtml}`)
  return href
}

/**
 * The `src` address of the @font-face named `family` whose unicode-range holds `char`, or null
 * when no face of that family covers it.
 */
export function fontFileFor(css: string, family: string, char: string): string | null {
  const codePoint = char.codePointAt(0)
  if (codePoint === undefined) throw new Error('fontFileFor needs a character')
  for (const [, body] of css.matchAll(/@font-face\s*\{([^}]*)\}/g)) {
    const descriptors = fontFaceDescriptors(body ?? '')
    if (unquote(descriptors.get('font-family') ?? '') !== family) continue
    const range = descriptors.get('unicode-range')
    if (range !== undefined && !inUnicodeRange(range, codePoint)) continue
    const src = /url\(\s*([^)]+?)\s*\)/.exec(descriptors.get('src') ?? '')?.[1]
    if (src !== undefined) return unquote(src)
  }
  return null
}

/** The value of the custom property `name` (`--font-sans`) where the stylesheet sets it. */
export function customProperty(css: string, name: string): string | null {
  const escaped = name.replace(/[-]/g, '\\-')
  return new RegExp(`${escaped}\\s*:\\s*([^;}]+)`).exec(css)?.[1]?.trim() ?? null
}

/** The families of a font-family list (`system-ui, 'Twemoji'`), unquoted, in order. */
export function fontFamilies(list: string): string[] {
  return list
    .split(',')
    .map(unquote)
    .filter((family) => family !== '')
}

/** The sources a policy allows fonts from: font-src, else default-src, else anything. */
export function fontSources(policy: string): string[] | 'any' {
  const directives = new Map<string, string[]>()
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/)
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), values)
  }
  return directives.get('font-src') ?? directives.get('default-src') ?? 'any'
}

function fontFaceDescriptors(body: string): Map<string, string> {
  const descriptors = new Map<string, string>()
  for (const declaration of body.split(';')) {
    const colon = declaration.indexOf(':')
    if (colon < 0) continue
    const name = declaration.slice(0, colon).trim().toLowerCase()
    descriptors.set(name, declaration.slice(colon + 1).trim())
  }
  return descriptors
}

/** `U+1F600`, `U+1F1E6-1F1FF` and `U+4??` ranges, comma-separated. */
function inUnicodeRange(range: string, codePoint: number): boolean {
  return range.split(',').some((part) => {
    const match = /^\s*U\+([0-9A-F?]+)(?:-([0-9A-F]+))?\s*$/i.exec(part)
    if (!match) throw new Error(`unreadable unicode-range part: ${part}`)
    const [, start = '', end] = match
    const low = parseInt(start.replace(/\?/g, '0'), 16)
    const high = parseInt(end ?? start.replace(/\?/g, 'F'), 16)
    return codePoint >= low && codePoint <= high
  })
}

const unquote = (value: string) => value.trim().replace(/^(["'])(.*)\1$/, '$2')
