// The line under a voice channel's name before joining: who is in its call.

/** Names beyond this many are counted, not listed. */
const NAMED = 3

/** "No one is here yet", "alice is here", "alice and bob are here", "alice, bob and 2 others are here". */
export function whoIsHere(names: readonly string[]): string {
  if (names.length === 0) return 'No one is here yet'
  if (names.length === 1) return `${names[0]} is here`
  const listed = names.length > NAMED ? names.slice(0, NAMED - 1) : names.slice(0, -1)
  const rest = names.length - listed.length
  const last = names.length > NAMED ? `${rest} others` : names[names.length - 1]
  return `${listed.join(', ')} and ${last} are here`
}
