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

/** A hue from the id, so each person keeps one colour everywhere. */
export function hueOf(id: string): number {
  let hash = 0
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return hash % 360
}
