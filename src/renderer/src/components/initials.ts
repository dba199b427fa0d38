// Initials and a stable colour for avatars and server icons.

/** Up to two initials: "Night Owls" → "NO", "alice" → "A". */
export function initials(name: string): string {
  const words = name
    .trim()
    .split(/[\s._-]+/)
    .filter(Boolean)
  const picked = words.length > 1 ? words.slice(0, 2) : [words[0] ?? '?']
  return picked.map((word) => ([...word][0] ?? '?').toUpperCase()).join('')
}

/**
 * Avatar backgrounds, far apart around the colour wheel, each dark enough for white initials
 * (at least 4.5:1) and the same in both themes.
 */
export const AVATAR_COLOURS = [
  '#c92a2a', // red
  '#c2410c', // orange
  '#946800', // amber
  '#5c7a0a', // olive
  '#2f7d32', // green
  '#087f5b', // teal
  '#1864ab', // blue
  '#4c3fc9', // indigo
  '#7e3bc4', // violet
  '#a61e72', // magenta
] as const

/**
 * FNV-1a over the id's UTF-16 units, then MurmurHash3's finaliser: ids that differ in one
 * character (or only in their last) still land far apart.
 */
function hashId(id: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < id.length; index += 1) {
    hash ^= id.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  hash ^= hash >>> 16
  return hash >>> 0
}

/** A colour from the id, so each person keeps one colour everywhere. */
export function avatarColour(id: string): string {
  return AVATAR_COLOURS[hashId(id) % AVATAR_COLOURS.length] ?? AVATAR_COLOURS[0]
}
