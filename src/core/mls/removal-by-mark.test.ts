import { beforeAll, it, expect } from 'vitest'
import { toBase64Url } from '../../shared/encoding'
import { generateIdentity, loadSodium, randomKey } from '../crypto'
import { ServerGroup } from './group'
import { inviteKeys } from './invite-keys'
import type { ServerState } from './server-state'

beforeAll(async () => {
  await loadSodium()
})
const person = () => {
  const i = generateIdentity()
  return { userId: i.userId, deviceId: 'd', identity: i.signing }
}
it('a member marked removed by the owner is taken out by another member', async () => {
  const alice = person()
  let a = await ServerGroup.create(toBase64Url(randomKey().slice(0, 16)), alice, {
    name: 'S',
    displayName: 'a',
    boxKey: toBase64Url(randomKey()),
  })
  const inv = inviteKeys(randomKey())
  const withInv = (s: ServerState): ServerState => ({
    ...s,
    invites: {
      [inv.inviteId]: {
        signKey: toBase64Url(inv.sign.publicKey),
        boxKey: toBase64Url(inv.box.publicKey),
        maxUses: null,
        expiresAt: null,
        uses: 0,
        revoked: false,
        createdBy: alice.userId,
        createdEpoch: a.epoch,
      },
    },
  })
  a = (await a.commit({ state: withInv })).group
  const members: ServerGroup[] = []
  const people = [person(), person(), person()]
  for (const p of people) {
    const j = await ServerGroup.join(await a.groupInfo(), p, inv)
    a = (await a.process(j.message)).group
    for (let i = 0; i < members.length; i++) {
      members[i] = (await members[i]!.process(j.message)).group
    }
    members.push(j.group)
    // profile
    const idx = members.length - 1
    const own = members[idx]!.ownLeaf()
    const pc = await members[idx]!.commit({
      state: (s) => ({
        ...s,
        members: {
          ...s.members,
          [p.userId]: {
            identityKey: own.identityKey,
            boxKey: toBase64Url(randomKey()),
            displayName: 'x',
            status: '',
            joinedVia: inv.inviteId,
            joinedEpoch: members[idx]!.epoch,
          },
        },
        invites: {
          ...s.invites,
          [inv.inviteId]: { ...s.invites[inv.inviteId]!, uses: s.invites[inv.inviteId]!.uses + 1 },
        },
      }),
    })
    members[idx] = pc.group
    a = (await a.process(pc.message)).group
    for (let i = 0; i < idx; i++) {
      members[i] = (await members[i]!.process(pc.message)).group
    }
  }
  // The owner marks member 0 removed; another member takes their device out.
  const gone = people[0]!.userId
  const mark = await a.commit({
    state: (st) => {
      const profiles = { ...st.members }
      delete profiles[gone]
      return { ...st, members: profiles, removed: { ...st.removed, [gone]: a.epoch } }
    },
  })
  a = mark.group
  for (let i = 0; i < members.length; i++)
    members[i] = (await members[i]!.process(mark.message)).group
  const r = await members[2]!.commit({ removeUsers: [gone] })
  members[2] = r.group
  a = (await a.process(r.message)).group
  members[1] = (await members[1]!.process(r.message)).group
  const out = await members[0]!.process(r.message)
  expect('removedHere' in out && out.removedHere).toBe(true)
  expect(a.epoch).toBe(members[1].epoch)
  expect(a.userIds()).not.toContain(gone)
}, 60000)
