import { describe, expect, it } from 'vitest'
import { spineReady } from './entry'
import { foldSpine } from './fold'
import { TestSpine, foundClub, testId, testPerson } from './spine-fixtures'
import type { SpineEntry } from './types'

await spineReady()

const channelId = () => testId(5, 'channel')
const channel = (overrides: object) => ({
  type: 'channel_created',
  channelId: channelId(),
  name: 'general',
  kind: 'text',
  burnSeconds: 60,
  ...overrides,
})

// Each body is signed correctly by the owner, so only its shape is wrong.
const MALFORMED_BODIES: [string, unknown, RegExp][] = [
  ['not an object', 'server_renamed', /body is not an object/],
  ['null', null, /body is not an object/],
  ['an array', [{ type: 'member_left' }], /body is not an object/],
  ['an unknown type', { type: 'server_deleted' }, /unknown type/],
  ['a type inherited from Object', { type: 'toString' }, /unknown type/],
  [
    'an extra field',
    { type: 'member_left', userId: testId(3, 'user') },
    /unexpected field "userId"/,
  ],
  ['a missing field', { type: 'server_renamed' }, /missing "name"/],
  ['a blank name', { type: 'server_renamed', name: '   ' }, /"name" must not be blank/],
  ['a too long name', { type: 'server_renamed', name: 'x'.repeat(101) }, /at most 100/],
  ['a control character', { type: 'server_renamed', name: 'a\nb' }, /control characters/],
  ['a numeric name', { type: 'server_renamed', name: 7 }, /must be a string/],
  ['a short id', channel({ channelId: 'abc' }), /"channelId" must be a base64url id/],
  [
    'a non-base64url id',
    channel({ channelId: '!'.repeat(22) }),
    /"channelId" must be a base64url id/,
  ],
  ['an unknown channel kind', channel({ kind: 'video' }), /"kind" must be one of text, voice/],
  [
    'a burn under 5 s',
    channel({ burnSeconds: 4 }),
    /"burnSeconds" must be an integer from 5 to 1209600/,
  ],
  ['a burn over 14 days', channel({ burnSeconds: 1_209_601 }), /"burnSeconds"/],
  ['a fractional burn', channel({ burnSeconds: 60.5 }), /"burnSeconds"/],
  ['a burn as a string', channel({ burnSeconds: '60' }), /"burnSeconds"/],
  ['a change of nothing', { type: 'channel_changed', channelId: channelId() }, /changes nothing/],
  ['an empty profile change', { type: 'profile_changed' }, /changes nothing/],
  ['a too long status', { type: 'profile_changed', status: 's'.repeat(129) }, /"status"/],
  [
    'zero invite uses',
    { type: 'invite_created', inviteId: testId(5, 'invite'), maxUses: 0, expiresAt: null },
    /"maxUses"/,
  ],
  [
    'an invite with no maxUses field',
    { type: 'invite_created', inviteId: testId(5, 'invite'), expiresAt: null },
    /missing "maxUses"/,
  ],
  ['an owner role', { type: 'role_changed', userId: testId(3, 'user'), role: 'owner' }, /"role"/],
  [
    'a short box key',
    { type: 'member_joined', inviteId: testId(1, 'invite'), displayName: 'x', boxKey: 'AAAA' },
    /"boxKey" must be a 32-byte public key/,
  ],
  [
    'envelopes as an array',
    { type: 'key_rotated', epoch: 2, envelopes: [] },
    /"envelopes" must be an object/,
  ],
  [
    'an envelope keyed by a non-id',
    { type: 'key_rotated', epoch: 2, envelopes: { bob: 'AAAA' } },
    /not a user id/,
  ],
  [
    'an empty envelope',
    { type: 'key_rotated', epoch: 2, envelopes: { [testId(1, 'user')]: '' } },
    /must be base64url/,
  ],
  ['epoch 1 rotation', { type: 'key_rotated', epoch: 1, envelopes: {} }, /"epoch"/],
]

describe('malformed bodies', () => {
  it.each(MALFORMED_BODIES)('rejects a body with %s, without throwing', (_, body, reason) => {
    const { spine, owner } = foundClub()
    expect(spine.attempt(spine.signRaw(owner, body))).toEqual({
      reason: expect.stringMatching(reason) as unknown,
      unchanged: true,
    })
  })

  it('rejects a genesis with another epoch', () => {
    const owner = testPerson(1, 'Olga')
    const entry = new TestSpine().signRaw(owner, {
      type: 'genesis',
      serverId: testId(9, 'server'),
      name: 'x',
      epoch: 2,
      displayName: 'x',
      boxKey: owner.boxKey,
    })
    expect(foldSpine([entry]).rejected[0]?.reason).toMatch(/"epoch" must be 1/)
  })
})

describe('malformed entries', () => {
  const cases: [string, (valid: SpineEntry) => unknown, RegExp][] = [
    ['null', () => null, /entry is not an object/],
    ['a string', () => 'entry', /entry is not an object/],
    ['an array', (e) => [e], /entry is not an object/],
    ['an unknown version', (e) => ({ ...e, v: 2 }), /"v" must be 1/],
    ['an extra field', (e) => ({ ...e, seq: 4 }), /unexpected field "seq"/],
    ['a missing signature', ({ sig: _sig, ...rest }) => rest, /missing "sig"/],
    ['a short signature', (e) => ({ ...e, sig: e.sig.slice(0, 40) }), /"sig" must be a 64-byte/],
    [
      'a non-canonical signature',
      (e) => ({ ...e, sig: e.sig.slice(0, -1) + 'B' }),
      /"sig" must be a canonical/,
    ],
    ['a prev that is not a hash', (e) => ({ ...e, prev: 'xyz' }), /"prev"/],
    ['a negative time', (e) => ({ ...e, at: -1 }), /"at"/],
    ['a time as a string', (e) => ({ ...e, at: String(e.at) }), /"at"/],
    ['an author that is not an id', (e) => ({ ...e, author: 'x' }), /"author"/],
    ['a short author key', (e) => ({ ...e, authorKey: 'AAAA' }), /"authorKey" must be a 32-byte/],
    ['no body', ({ body: _body, ...rest }) => rest, /missing "body"/],
    [
      'a field that throws when read',
      (e) =>
        Object.defineProperty({ ...e }, 'at', {
          enumerable: true,
          get() {
            throw new Error('hostile getter')
          },
        }),
      /could not be checked: hostile getter/,
    ],
  ]

  it.each(cases)('rejects an entry that is %s, without throwing', (_, corrupt, reason) => {
    const { spine, admin } = foundClub()
    const valid = spine.sign(admin, { type: 'server_renamed', name: 'Knots' })
    expect(spine.attempt(corrupt(valid) as SpineEntry)).toEqual({
      reason: expect.stringMatching(reason) as unknown,
      unchanged: true,
    })
  })

  it('keeps folding good entries after a malformed one', () => {
    const { spine, admin } = foundClub()
    const good = spine.sign(admin, { type: 'server_renamed', name: 'Knots' })
    const { state, rejected } = foldSpine([null, 42, good] as unknown as SpineEntry[], spine.state)
    expect(rejected.map((r) => r.index)).toEqual([0, 1])
    expect(state.name).toBe('Knots')
  })
})
