import { describe, expect, it } from 'vitest'
import { filterTargets, fuzzyScore, targetScore, type SwitchTarget } from './fuzzy'

function target(name: string, kind: SwitchTarget['kind'] = 'channel'): SwitchTarget {
  return { kind, serverId: 's', channelId: kind === 'channel' ? name : null, name, detail: '' }
}

describe('fuzzyScore', () => {
  it('matches letters in order, ignoring case', () => {
    expect(fuzzyScore('gnrl', 'General')).not.toBeNull()
    expect(fuzzyScore('GEN', 'general')).not.toBeNull()
  })

  it('refuses letters out of order or missing', () => {
    expect(fuzzyScore('lg', 'general')).toBeNull()
    expect(fuzzyScore('x', 'general')).toBeNull()
  })

  it('matches everything with an empty query', () => {
    expect(fuzzyScore('  ', 'anything')).toBe(0)
  })
})

describe('filterTargets', () => {
  const targets = [
    target('random'),
    target('general'),
    target('dev-gen'),
    target('Gaming Night', 'server'),
  ]

  it('ranks a prefix above a scattered match', () => {
    expect(filterTargets(targets, 'gen').map((t) => t.name)).toEqual(['general', 'dev-gen'])
    expect(filterTargets(targets, 'gn').map((t) => t.name)).toEqual([
      'general',
      'Gaming Night',
      'dev-gen',
    ])
  })

  it('keeps the original order for an empty query and honours the limit', () => {
    expect(filterTargets(targets, '').map((t) => t.name)).toEqual(targets.map((t) => t.name))
    expect(filterTargets(targets, '', 2)).toHaveLength(2)
  })

  it('returns nothing when nothing matches', () => {
    expect(filterTargets(targets, 'zzz')).toEqual([])
  })
})

describe('server context', () => {
  const general = (server: string): SwitchTarget => ({
    kind: 'channel',
    serverId: server,
    channelId: `${server}-general`,
    name: 'general',
    detail: `Text · ${server}`,
    context: server,
  })

  it('tells two #general channels apart by their server', () => {
    const targets = [general('Book club'), general('Hideout')]
    expect(filterTargets(targets, 'hide gen').map((t) => t.serverId)).toEqual(['Hideout'])
    expect(filterTargets(targets, 'general')).toHaveLength(2)
  })

  it('still prefers a match on the name itself', () => {
    expect(targetScore('gen', general('Hideout'))).toBe(fuzzyScore('gen', 'general'))
  })
})
