import { afterEach, describe, expect, it, vi } from 'vitest'
import { ExpiryTimer, MAX_TIMER_DELAY_MS } from './expiry-timer'

describe('ExpiryTimer', () => {
  afterEach(() => vi.useRealTimers())

  it('sweeps at the soonest expiry and re-arms on what the sweep reports next', async () => {
    vi.useFakeTimers({ now: 0 })
    const sweeps: number[] = []
    const pending = [100, 250]
    const timer = new ExpiryTimer({
      sweep: (now) => {
        sweeps.push(now)
        while (pending.length && pending[0]! <= now) pending.shift()
        return pending[0] ?? null
      },
    })
    timer.schedule(250)
    timer.schedule(100)
    await vi.advanceTimersByTimeAsync(99)
    expect(sweeps).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(sweeps).toEqual([100])
    await vi.advanceTimersByTimeAsync(150)
    expect(sweeps).toEqual([100, 250])
    timer.stop()
  })

  it('does not fire early for waits longer than the setTimeout limit', async () => {
    vi.useFakeTimers({ now: 0 })
    const sweep = vi.fn(() => null)
    const timer = new ExpiryTimer({ sweep })
    const at = MAX_TIMER_DELAY_MS + 5000
    timer.schedule(at)
    await vi.advanceTimersByTimeAsync(MAX_TIMER_DELAY_MS)
    expect(sweep).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(5000)
    expect(sweep).toHaveBeenCalledTimes(1)
    timer.stop()
  })

  it('retries after a failing sweep and reports the error', async () => {
    vi.useFakeTimers({ now: 0 })
    const errors: unknown[] = []
    let calls = 0
    const timer = new ExpiryTimer({
      sweep: () => {
        calls++
        if (calls === 1) throw new Error('disk busy')
        return null
      },
      onError: (e) => errors.push(e),
      retryMs: 50,
    })
    timer.schedule(10)
    await vi.advanceTimersByTimeAsync(10)
    expect(errors).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(50)
    expect(calls).toBe(2)
    timer.stop()
  })
})

describe('ExpiryTimer during a sweep', () => {
  it('keeps an expiry announced while a sweep is running', async () => {
    vi.useFakeTimers({ now: 0 })
    const sweeps: number[] = []
    let release: () => void = () => {}
    let first = true
    const timer = new ExpiryTimer({
      sweep: async (now) => {
        sweeps.push(now)
        if (first) {
          first = false
          await new Promise<void>((resolve) => (release = resolve))
        }
        return null // the store was read before the new expiry landed
      },
    })
    timer.schedule(10)
    await vi.advanceTimersByTimeAsync(10)
    timer.schedule(500) // announced while the first sweep is still running
    release()
    await vi.advanceTimersByTimeAsync(490)
    expect(sweeps).toEqual([10, 500])
    timer.stop()
    vi.useRealTimers()
  })
})
