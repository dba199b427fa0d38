import { describe, expect, it } from 'vitest'
import { parseDeepLink, type DeepLink } from './deep-link'
import { InviteQueue, type InviteStep } from './invite-queue'

const link = (letter: string, server?: string): DeepLink => {
  const text = `paracord://invite/${letter.repeat(26)}`
  const parsed = parseDeepLink(
    server === undefined ? text : `${text}?server=${encodeURIComponent(server)}`,
  )
  if (parsed === null) throw new Error(`not a link: ${text}`)
  return parsed
}
const A = link('a')
const B = link('b', 'https://chat.example.org')
const C = link('c', 'http://127.0.0.1:8443')

/** Every link the unlocked account would be asked about, in order. */
function askedWhileUnlocked(queue: InviteQueue): string[] {
  const asked: string[] = []
  for (let step = queue.next('unlocked'); step.kind === 'ask'; step = queue.next('unlocked'))
    asked.push(step.link.link)
  return asked
}

describe('InviteQueue, unlocked', () => {
  it('asks about each link in the order they came, once each', () => {
    const queue = new InviteQueue()
    queue.offer(A)
    queue.offer(B)
    queue.offer(A)
    expect(askedWhileUnlocked(queue)).toEqual([A.link, B.link])
    expect(queue.next('unlocked')).toEqual({ kind: 'none' })
    expect(queue.takeOpened()).toBeNull()
  })

  it('asks about a link offered while another one is being asked about', () => {
    const queue = new InviteQueue()
    queue.offer(A)
    expect(queue.next('unlocked')).toEqual({ kind: 'ask', link: A })
    queue.offer(B)
    expect(queue.next('unlocked')).toEqual({ kind: 'ask', link: B })
  })
})

describe('InviteQueue, locked', () => {
  it('keeps the links for the unlock, then asks about them all', () => {
    const queue = new InviteQueue()
    expect(queue.next('locked')).toEqual({ kind: 'none' })
    queue.offer(A)
    queue.offer(B)
    expect(queue.next('locked')).toEqual({ kind: 'await_unlock' })
    expect(queue.next('locked')).toEqual({ kind: 'await_unlock' })
    expect(queue.takeOpened()).toBeNull()
    expect(askedWhileUnlocked(queue)).toEqual([A.link, B.link])
  })

  it('stops asking when the account locks between two questions', () => {
    const queue = new InviteQueue()
    queue.offer(A)
    queue.offer(B)
    expect(queue.next('unlocked')).toEqual({ kind: 'ask', link: A })
    expect(queue.next('locked')).toEqual({ kind: 'await_unlock' })
    expect(askedWhileUnlocked(queue)).toEqual([B.link])
  })
})

describe('InviteQueue, signed out', () => {
  it('hands the newest link to the sign-in screens, once, and drops the older ones', () => {
    const queue = new InviteQueue()
    queue.offer(A)
    queue.offer(B)
    expect(queue.next('signed_out')).toEqual({ kind: 'hand_over' })
    expect(queue.takeOpened()).toEqual({ link: B.link, server: 'https://chat.example.org' })
    expect(queue.takeOpened()).toBeNull()
    expect(queue.next('signed_out')).toEqual({ kind: 'none' })
    // Taken by the page, which joins it after signing in: nothing is asked here.
    expect(queue.next('unlocked')).toEqual({ kind: 'none' })
  })

  it('hands over only the link and its server, as parseDeepLink wrote them', () => {
    const queue = new InviteQueue()
    queue.offer(link('d'))
    queue.next('signed_out')
    const opened = queue.takeOpened()
    expect(opened).toEqual({ link: `paracord://invite/${'d'.repeat(26)}`, server: null })
    expect(Object.keys(opened ?? {}).sort()).toEqual(['link', 'server'])
  })

  it('replaces a handed-over link not yet taken with a newer one', () => {
    const queue = new InviteQueue()
    queue.offer(A)
    expect(queue.next('signed_out')).toEqual({ kind: 'hand_over' })
    queue.offer(C)
    expect(queue.next('signed_out')).toEqual({ kind: 'hand_over' })
    expect(queue.takeOpened()).toEqual({ link: C.link, server: 'http://127.0.0.1:8443' })
    expect(queue.takeOpened()).toBeNull()
  })

  it('hands over what waited for an unlock when the account signs out instead', () => {
    const queue = new InviteQueue()
    queue.offer(A)
    queue.offer(B)
    expect(queue.next('locked')).toEqual({ kind: 'await_unlock' })
    expect(queue.next('signed_out')).toEqual({ kind: 'hand_over' })
    expect(queue.takeOpened()?.link).toBe(B.link)
  })

  it('asks after sign-in about a handed-over link the page never took, before the rest', () => {
    const queue = new InviteQueue()
    queue.offer(A)
    expect(queue.next('signed_out')).toEqual({ kind: 'hand_over' })
    queue.offer(B)
    const steps: InviteStep[] = [queue.next('unlocked'), queue.next('unlocked')]
    expect(steps).toEqual([
      { kind: 'ask', link: A },
      { kind: 'ask', link: B },
    ])
    expect(queue.takeOpened()).toBeNull()
  })
})
