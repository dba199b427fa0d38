import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AutoLock } from './auto-lock'

const MINUTE = 60_000

describe('AutoLock', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const watch = (minutes: () => number) => {
    const expired = vi.fn()
    const lock = new AutoLock({ minutes, onExpire: expired })
    lock.start()
    return { lock, expired }
  }

  it('fires once after the idle time', () => {
    const { expired } = watch(() => 5)
    vi.advanceTimersByTime(5 * MINUTE - 1)
    expect(expired).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(expired).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(60 * MINUTE)
    expect(expired).toHaveBeenCalledTimes(1)
  })

  it('is postponed by every touch, with a single timer', () => {
    const { lock, expired } = watch(() => 5)
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(4 * MINUTE)
      lock.touch()
      expect(vi.getTimerCount()).toBe(1)
    }
    expect(expired).not.toHaveBeenCalled()
    vi.advanceTimersByTime(5 * MINUTE)
    expect(expired).toHaveBeenCalledTimes(1)
  })

  it('never fires for 0 minutes', () => {
    const { expired } = watch(() => 0)
    vi.advanceTimersByTime(24 * 60 * MINUTE)
    expect(expired).not.toHaveBeenCalled()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('takes a shorter setting at once when rescheduled', () => {
    let minutes = 30
    const { lock, expired } = watch(() => minutes)
    vi.advanceTimersByTime(2 * MINUTE)
    minutes = 1
    lock.reschedule()
    expect(expired).toHaveBeenCalledTimes(0)
    vi.advanceTimersByTime(1)
    expect(expired).toHaveBeenCalledTimes(1)
  })

  it('does nothing once stopped', () => {
    const { lock, expired } = watch(() => 1)
    lock.stop()
    lock.touch()
    vi.advanceTimersByTime(10 * MINUTE)
    expect(expired).not.toHaveBeenCalled()
    expect(vi.getTimerCount()).toBe(0)
  })
})
