import { beforeAll, it, expect } from 'vitest'
import { loadSodium } from '../crypto'
import { serverGroup } from './test-group'

beforeAll(async () => {
  await loadSodium()
})
it('a member marked removed by the owner is taken out by another member', async () => {
  // The owner and three members, who joined one after another and added their profiles.
  const server = await serverGroup('S', 'a', ['x', 'x', 'x'])
  let a = server.a
  const { members, people } = server
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
