// Folding is a pure function of the entries: however a sequence of valid and invalid entries
// is cut into pieces, folding the pieces one after another gives the same state and the same
// rejections as folding it whole.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { toBase64Url } from '../../shared/encoding'
import { createEntry, spineReady } from './entry'
import { foldSpine } from './fold'
import { foundServer, joinBody, rotationFor, testId, testPerson } from './spine-fixtures'
import type { SpineBody, SpineEntry, SpineRejection, SpineState } from './types'

await spineReady()

const people = [1, 2, 3, 4, 5].map((seed) => testPerson(seed, `P${seed}`))
// Joins are listed several times so that members appear often enough to act.
const OPS = [
  'join',
  'join',
  'join',
  'channel',
  'channelChange',
  'channelDelete',
  'rename',
  'invite',
  'revoke',
  'join',
  'leave',
  'profile',
  'role',
  'remove',
  'rotate',
] as const
const CORRUPTIONS = ['none', 'none', 'none', 'none', 'forged', 'stale', 'backwards'] as const

const command = fc.record({
  // Half the entries by the owner, so that admin work and removals get accepted too.
  actor: fc.oneof(fc.constant(0), fc.nat(people.length - 1)),
  op: fc.constantFrom(...OPS),
  target: fc.nat(people.length - 1),
  param: fc.nat(3),
  corruption: fc.constantFrom(...CORRUPTIONS),
})
type Command = typeof command extends fc.Arbitrary<infer T> ? T : never

function bodyFor(
  state: SpineState,
  clock: number,
  { op, target, param }: Command,
  actor: (typeof people)[number],
): SpineBody {
  const channelId = testId(param, 'channel')
  const inviteId = testId(param, 'invite')
  const userId = people[target]!.userId
  switch (op) {
    case 'channel':
      return {
        type: 'channel_created',
        channelId,
        name: `c${param}`,
        kind: 'text',
        burnSeconds: 60,
      }
    case 'channelChange':
      return { type: 'channel_changed', channelId, name: `renamed${param}` }
    case 'channelDelete':
      return { type: 'channel_deleted', channelId }
    case 'rename':
      return { type: 'server_renamed', name: `server ${param}` }
    case 'invite':
      return {
        type: 'invite_created',
        inviteId,
        maxUses: param % 2 === 0 ? 1 : null,
        expiresAt: param === 3 ? clock + 1500 : null,
      }
    case 'revoke':
      return { type: 'invite_revoked', inviteId }
    case 'join':
      return joinBody(actor, inviteId)
    case 'leave':
      return { type: 'member_left' }
    case 'profile':
      return { type: 'profile_changed', status: `status ${param}` }
    case 'role':
      return { type: 'role_changed', userId, role: param % 2 === 0 ? 'admin' : 'member' }
    case 'remove':
      return { type: 'member_removed', userId }
    case 'rotate': {
      const body = rotationFor(state) as Extract<SpineBody, { type: 'key_rotated' }>
      return param === 0 ? { ...body, epoch: body.epoch + 1 } : body
    }
  }
}

/** Writes the commands the way clients would, some of them forged, stale or back-dated. */
function buildEntries(commands: readonly Command[]): SpineEntry[] {
  const spine = foundServer(people[0]!)
  const entries: SpineEntry[] = [spine.head!]
  // An open invite to start from, so that joins (and then members' entries) can succeed.
  const open: SpineBody = {
    type: 'invite_created',
    inviteId: testId(1, 'invite'),
    maxUses: null,
    expiresAt: null,
  }
  entries.push(spine.sign(people[0]!, open))
  spine.append(entries[1]!)
  let previousHead: SpineEntry | null = null
  for (const cmd of commands) {
    const actor = people[cmd.actor]!
    const at = spine.tick(cmd.op === 'join' ? 1000 : 500)
    const body = bodyFor(spine.state, spine.clock, cmd, actor)
    let entry: SpineEntry
    if (cmd.corruption === 'stale' && previousHead)
      entry = createEntry(previousHead, body, actor, at)
    else if (cmd.corruption === 'backwards')
      entry = spine.sign(actor, body, spine.head!.at - 10_000)
    else entry = spine.sign(actor, body, at)
    if (cmd.corruption === 'forged')
      entry = { ...entry, sig: toBase64Url(new Uint8Array(64).fill(cmd.param)) }
    const head = spine.head
    if (spine.append(entry) === null) previousHead = head
    entries.push(entry)
  }
  return entries
}

function foldInPieces(entries: readonly SpineEntry[], cuts: readonly number[]) {
  const bounds = [...new Set(cuts.map((c) => c % (entries.length + 1)))].sort((a, b) => a - b)
  let state: SpineState | undefined
  const rejected: Pick<SpineRejection, 'index' | 'reason'>[] = []
  let start = 0
  for (const end of [...bounds, entries.length]) {
    const piece = foldSpine(entries.slice(start, end), state)
    state = piece.state
    rejected.push(...piece.rejected.map((r) => ({ index: start + r.index, reason: r.reason })))
    start = end
  }
  return { state: state!, rejected }
}

describe('foldSpine over random sequences', () => {
  it('gives the same state and rejections folded whole, in pieces, or one by one', () => {
    fc.assert(
      fc.property(
        fc.array(command, { minLength: 5, maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (commands, cuts) => {
          const entries = buildEntries(commands)
          const whole = foldSpine(entries)
          const wholeRejected = whole.rejected.map(({ index, reason }) => ({ index, reason }))

          const pieces = foldInPieces(entries, cuts)
          expect(pieces.state).toEqual(whole.state)
          expect(pieces.rejected).toEqual(wholeRejected)

          const oneByOne = foldInPieces(
            entries,
            entries.map((_, i) => i),
          )
          expect(oneByOne.state).toEqual(whole.state)

          // Rejected entries changed nothing: the accepted ones alone give the same state.
          const rejectedAt = new Set(whole.rejected.map((r) => r.index))
          const accepted = entries.filter((_, i) => !rejectedAt.has(i))
          const clean = foldSpine(accepted)
          expect(clean.rejected).toEqual([])
          expect(clean.state).toEqual(whole.state)
          expect(whole.state.length).toBe(accepted.length)
        },
      ),
      { numRuns: 100 },
    )
  })

  it('produces sequences that exercise both outcomes', () => {
    const entries = buildEntries(
      fc.sample(fc.array(command, { minLength: 40, maxLength: 40 }), { numRuns: 1, seed: 7 })[0]!,
    )
    const { rejected } = foldSpine(entries)
    expect(rejected.length).toBeGreaterThan(0)
    expect(rejected.length).toBeLessThan(entries.length - 1)
  })
})
