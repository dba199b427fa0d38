import { describe, expect, it } from 'vitest'
import { isInitiator, peerKey, planMesh } from './mesh-plan'

const p = (userId: string, sessionId: string) => ({ userId, sessionId, displayName: userId })

describe('planMesh', () => {
  it('opens one connection per other participant, never to myself', () => {
    const plan = planMesh('b', [p('a', '1'), p('b', '2'), p('c', '3')], [])
    expect(plan.open.map((x) => x.userId)).toEqual(['a', 'c'])
    expect(plan.close).toEqual([])
  })

  it('closes connections to people who left and replaces a rejoined session', () => {
    const plan = planMesh('b', [p('a', '9'), p('b', '2')], [peerKey('a', '1'), peerKey('c', '3')])
    expect(plan.open).toEqual([p('a', '9')])
    expect(plan.close).toEqual([peerKey('a', '1'), peerKey('c', '3')])
  })

  it('lets exactly one side of each pair initiate', () => {
    expect(isInitiator('a', 'b')).toBe(true)
    expect(isInitiator('b', 'a')).toBe(false)
  })
})
