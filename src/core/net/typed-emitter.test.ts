import { describe, expect, it } from 'vitest'
import { TypedEmitter } from './typed-emitter'

interface Events {
  count: number
  name: string
}

class Probe extends TypedEmitter<Events> {
  fire<K extends keyof Events>(event: K, payload: Events[K]): void {
    this.emit(event, payload)
  }
}

describe('TypedEmitter', () => {
  it('delivers each payload to the listeners of its event only', () => {
    const probe = new Probe()
    const counts: number[] = []
    const names: string[] = []
    probe.on('count', (n) => counts.push(n))
    probe.on('name', (s) => names.push(s))
    probe.fire('count', 1)
    probe.fire('name', 'a')
    probe.fire('count', 2)
    expect(counts).toEqual([1, 2])
    expect(names).toEqual(['a'])
  })

  it('stops delivering after the returned unsubscribe is called', () => {
    const probe = new Probe()
    const seen: number[] = []
    const off = probe.on('count', (n) => seen.push(n))
    probe.fire('count', 1)
    off()
    probe.fire('count', 2)
    expect(seen).toEqual([1])
  })

  it('keeps delivering to other listeners when one throws, and reports the error', () => {
    const errors: unknown[] = []
    const probe = new Probe((error) => errors.push(error))
    const seen: number[] = []
    probe.on('count', () => {
      throw new Error('listener bug')
    })
    probe.on('count', (n) => seen.push(n))
    probe.fire('count', 7)
    expect(seen).toEqual([7])
    expect(errors).toHaveLength(1)
    expect((errors[0] as Error).message).toBe('listener bug')
  })
})
