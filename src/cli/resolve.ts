// Names or ids → one item. People type names; names need not be unique, so an ambiguous name is
// an error that lists the candidates' ids to pick from instead of a guess.

/** A reference that matches nothing or several things (exit code 1). */
export class ResolveError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ResolveError'
  }
}

export interface Describe<T> {
  readonly noun: string
  readonly id: (item: T) => string
  readonly name: (item: T) => string
  readonly scope?: string
}

/**
 * 1. An exact id wins. 2. Otherwise the items named exactly `ref`; 3. failing that, named so
 * ignoring case. One match is the answer; several are ambiguous; none is missing.
 */
export function resolveByNameOrId<T>(items: readonly T[], ref: string, describe: Describe<T>): T {
  const byId = items.find((item) => describe.id(item) === ref)
  if (byId !== undefined) return byId

  let matches = items.filter((item) => describe.name(item) === ref)
  if (matches.length === 0) {
    const folded = ref.toLocaleLowerCase()
    matches = items.filter((item) => describe.name(item).toLocaleLowerCase() === folded)
  }
  const where = describe.scope ? ` ${describe.scope}` : ''
  if (matches.length === 1) return matches[0]!
  if (matches.length > 1) {
    const ids = matches.map((item) => describe.id(item)).join(', ')
    throw new ResolveError(
      `${matches.length} ${describe.noun}s${where} are named "${ref}"; use one of their ids: ${ids}`,
    )
  }
  const known = [...new Set(items.map((item) => describe.name(item)))]
  const hint =
    known.length === 0
      ? ` (there are none)`
      : known.length <= 10
        ? ` (known: ${known.join(', ')})`
        : ''
  throw new ResolveError(`no ${describe.noun}${where} named "${ref}"${hint}`)
}
