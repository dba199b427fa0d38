import { beforeAll, it, expect } from 'vitest'
import { loadSodium } from '../crypto'
import { ServerGroup } from './group'
import { person, serverGroup } from './test-group'

beforeAll(async () => {
  await loadSodium()
})
it('leave + join + profile', async () => {
  // The owner and three members, who joined one after another and added their profiles.
  const server = await serverGroup('S', 'a', ['x', 'x', 'x'])
  let a = server.a
  const { members, invite } = server
  // member 0 leaves
  const leave = await members[0]!.leaveProposal()
  a = (await a.process(leave)).group
  for (let i = 1; i < members.length; i++) members[i] = (await members[i]!.process(leave)).group
  // member 1 commits it
  const c = await members[1]!.commit({})
  members[1] = c.group
  a = (await a.process(c.message)).group
  members[2] = (await members[2]!.process(c.message)).group
  expect(a.epoch).toBe(members[2].epoch)
  // then a fresh external join
  const j = await ServerGroup.join(await members[2].groupInfo(), person(), invite)
  a = (await a.process(j.message)).group
  members[1] = (await members[1].process(j.message)).group
  members[2] = (await members[2].process(j.message)).group
  const e = await members[2].commit({})
  await a.process(e.message)
  members[1] = (await members[1].process(e.message)).group
}, 60000)
