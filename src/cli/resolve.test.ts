import { describe, expect, it } from 'vitest'
import { ResolveError, resolveByNameOrId } from './resolve'

interface Item {
  readonly id: string
  readonly name: string
}
const describeServer = { noun: 'server', id: (s: Item) => s.id, name: (s: Item) => s.name }
const servers: Item[] = [
  { id: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'Home' },
  { id: 'BBBBBBBBBBBBBBBBBBBBBB', name: 'work' },
  { id: 'CCCCCCCCCCCCCCCCCCCCCC', name: 'Work' },
  { id: 'DDDDDDDDDDDDDDDDDDDDDD', name: 'club' },
  { id: 'EEEEEEEEEEEEEEEEEEEEEE', name: 'club' },
]

function failure(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ResolveError)
    return (error as ResolveError).message
  }
  throw new Error('expected a ResolveError')
}

describe('resolveByNameOrId', () => {
  it('finds a unique name', () => {
    expect(resolveByNameOrId(servers, 'Home', describeServer).id).toBe('AAAAAAAAAAAAAAAAAAAAAA')
  })

  it('finds a unique name ignoring case when no name matches exactly', () => {
    expect(resolveByNameOrId(servers, 'home', describeServer).id).toBe('AAAAAAAAAAAAAAAAAAAAAA')
  })

  it('prefers the exact case over names differing only in case', () => {
    expect(resolveByNameOrId(servers, 'Work', describeServer).id).toBe('CCCCCCCCCCCCCCCCCCCCCC')
  })

  it('finds an id, even one of two servers with the same name', () => {
    expect(resolveByNameOrId(servers, 'EEEEEEEEEEEEEEEEEEEEEE', describeServer).name).toBe('club')
  })

  it('an id wins over a server named like it', () => {
    const tricky = [...servers, { id: 'FFFFFFFFFFFFFFFFFFFFFF', name: 'AAAAAAAAAAAAAAAAAAAAAA' }]
    expect(resolveByNameOrId(tricky, 'AAAAAAAAAAAAAAAAAAAAAA', describeServer).name).toBe('Home')
  })

  it('refuses an ambiguous name and lists the candidates’ ids', () => {
    expect(failure(() => resolveByNameOrId(servers, 'club', describeServer))).toBe(
      '2 servers are named "club"; use one of their ids: DDDDDDDDDDDDDDDDDDDDDD, EEEEEEEEEEEEEEEEEEEEEE',
    )
  })

  it('refuses a name matching several only when ignoring case', () => {
    expect(failure(() => resolveByNameOrId(servers, 'WORK', describeServer))).toContain(
      'BBBBBBBBBBBBBBBBBBBBBB, CCCCCCCCCCCCCCCCCCCCCC',
    )
  })

  it('says what exists when nothing matches', () => {
    expect(failure(() => resolveByNameOrId(servers, 'garden', describeServer))).toBe(
      'no server named "garden" (known: Home, work, Work, club)',
    )
  })

  it('says where it looked', () => {
    const channels = [{ id: 'GGGGGGGGGGGGGGGGGGGGGG', name: 'general' }]
    expect(
      failure(() =>
        resolveByNameOrId(channels, 'random', {
          ...describeServer,
          noun: 'channel',
          scope: 'in server "Home"',
        }),
      ),
    ).toBe('no channel in server "Home" named "random" (known: general)')
  })

  it('says when there is nothing at all', () => {
    expect(failure(() => resolveByNameOrId([], 'Home', describeServer))).toBe(
      'no server named "Home" (there are none)',
    )
  })
})
