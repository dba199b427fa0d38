// The quick switcher's filter: the query's characters must appear in order in the name; matches
// at the start of the name, at word starts and in unbroken runs rank first.

export interface SwitchTarget {
  readonly kind: 'server' | 'channel'
  readonly serverId: string
  readonly channelId: string | null
  /** What the user searches and sees: a server's name or a channel's name. */
  readonly name: string
  /** Context shown beside the name (the server a channel belongs to). */
  readonly detail: string
  /** Also searchable before the name: a channel's server, so "hide gen" finds Hideout's #general. */
  readonly context?: string
}

/** The better of matching the name alone or "context name"; the latter ranks a little lower. */
export function targetScore(query: string, target: SwitchTarget): number | null {
  const byName = fuzzyScore(query, target.name)
  const withContext = target.context ? fuzzyScore(query, `${target.context} ${target.name}`) : null
  if (withContext === null) return byName
  if (byName === null) return withContext - 1
  return Math.max(byName, withContext - 1)
}

/** A higher score is a better match; null when the query is not a subsequence of the text. */
export function fuzzyScore(query: string, text: string): number | null {
  const needle = query.trim().toLowerCase()
  const hay = text.toLowerCase()
  if (needle === '') return 0
  let score = 0
  let from = 0
  let previousIndex = -2
  for (const char of needle) {
    if (char === ' ') continue
    const index = hay.indexOf(char, from)
    if (index < 0) return null
    score += 1
    if (index === previousIndex + 1) score += 3
    if (index === 0) score += 4
    else if (/[\s\-_.#]/.test(hay[index - 1] ?? '')) score += 2
    previousIndex = index
    from = index + 1
  }
  // Among equal matches, the shorter name is the closer one.
  return score - hay.length / 100
}

export function filterTargets(
  targets: readonly SwitchTarget[],
  query: string,
  limit = 20,
): SwitchTarget[] {
  return targets
    .map((target, order) => ({ target, order, score: targetScore(query, target) }))
    .filter(
      (entry): entry is { target: SwitchTarget; order: number; score: number } =>
        entry.score !== null,
    )
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, limit)
    .map((entry) => entry.target)
}
