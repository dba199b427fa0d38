import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_WINDOW_STATE,
  MIN_HEIGHT,
  MIN_WIDTH,
  parseWindowState,
  placeOnScreens,
  readWindowState,
  stateToSave,
  writeWindowState,
} from './window-state'

const screen = { x: 0, y: 0, width: 1920, height: 1040 }

describe('parseWindowState', () => {
  it('reads a saved state, with or without a position', () => {
    expect(parseWindowState({ x: 10, y: 20, width: 900, height: 700, maximized: true })).toEqual({
      x: 10,
      y: 20,
      width: 900,
      height: 700,
      maximized: true,
    })
    expect(parseWindowState({ width: 900, height: 700, maximized: false })).toEqual({
      width: 900,
      height: 700,
      maximized: false,
    })
  })

  it('refuses what is not a state', () => {
    for (const value of [
      null,
      [],
      'x',
      { width: 900, height: 700 },
      { width: -1, height: 700, maximized: false },
      { width: 1.5, height: 700, maximized: false },
      { width: '900', height: 700, maximized: false },
      { width: 9e9, height: 700, maximized: false },
    ]) {
      expect(parseWindowState(value)).toBeNull()
    }
  })
})

describe('placeOnScreens', () => {
  it('keeps a position that is still on a screen', () => {
    const state = { x: 100, y: 100, width: 1000, height: 700, maximized: false }
    expect(placeOnScreens(state, [screen])).toEqual(state)
  })

  it('drops a position left on an unplugged monitor, so the window opens centred', () => {
    const state = { x: 2500, y: 100, width: 1000, height: 700, maximized: false }
    expect(placeOnScreens(state, [screen])).toEqual({ width: 1000, height: 700, maximized: false })
  })

  it('shrinks to the largest screen and never below the minimum size', () => {
    expect(placeOnScreens({ width: 5000, height: 4000, maximized: false }, [screen])).toEqual({
      width: 1920,
      height: 1040,
      maximized: false,
    })
    expect(placeOnScreens({ width: 10, height: 10, maximized: false }, [screen])).toEqual({
      width: MIN_WIDTH,
      height: MIN_HEIGHT,
      maximized: false,
    })
  })
})

describe('readWindowState / writeWindowState', () => {
  it('round-trips through the file, and falls back to defaults for a missing or broken one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'paracord-window-state-'))
    try {
      const file = join(dir, 'window-state.json')
      expect(await readWindowState(file)).toEqual(DEFAULT_WINDOW_STATE)
      const state = stateToSave({ x: 10.4, y: 20, width: 800.6, height: 600 }, true)
      await writeWindowState(file, state)
      expect(await readWindowState(file)).toEqual({
        x: 10,
        y: 20,
        width: 801,
        height: 600,
        maximized: true,
      })
      await writeFile(file, '{"width": 800, "height"')
      expect(await readWindowState(file)).toEqual(DEFAULT_WINDOW_STATE)
      await writeFile(file, JSON.stringify({ width: 'wide' }))
      expect(await readWindowState(file)).toEqual(DEFAULT_WINDOW_STATE)
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ width: 'wide' })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
