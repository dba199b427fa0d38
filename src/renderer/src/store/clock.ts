// One shared clock for every burn countdown: a single timer ticking on the second, instead of
// a timer per message. Each tick also drops the messages whose time has come.
import { create } from 'zustand'
import { useMessages } from './messages'

export interface ClockSlice {
  readonly now: number
}

export const useClock = create<ClockSlice>()(() => ({ now: Date.now() }))

export function tick(now = Date.now()): void {
  useClock.setState({ now })
  useMessages.getState().sweep(now)
}

/** Starts ticking; returns the stop function. */
export function startClock(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  const schedule = () => {
    // Aligns to the next whole second so every countdown changes together.
    timer = setTimeout(
      () => {
        tick()
        schedule()
      },
      1000 - (Date.now() % 1000) + 5,
    )
  }
  tick()
  schedule()
  return () => clearTimeout(timer)
}
