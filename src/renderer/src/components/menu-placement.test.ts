import { describe, expect, it } from 'vitest'
import { MENU_GAP, placeMenu, WINDOW_MARGIN, type Box } from './menu-placement'

const WINDOW = { width: 1280, height: 800 }
const MENU = { width: 180, height: 112 }

/** A 24px-square button whose top-left corner is at (left, top). */
function buttonAt(left: number, top: number): Box {
  return { top, left, right: left + 24, bottom: top + 24 }
}

describe('placeMenu', () => {
  it('opens below the button, right-aligned with it, when there is room', () => {
    const button = buttonAt(900, 100)
    expect(placeMenu(button, MENU, WINDOW)).toEqual({
      top: button.bottom + MENU_GAP,
      left: button.right - MENU.width,
    })
  })

  it('opens above a button near the bottom of the window, as a message’s menu over the composer', () => {
    // The message menu of the tour at 1280×800: its button just above the composer.
    const button = buttonAt(920, 660)
    const spot = placeMenu(button, MENU, WINDOW)
    expect(spot).toEqual({
      top: button.top - MENU_GAP - MENU.height,
      left: button.right - MENU.width,
    })
    expect(spot.top + MENU.height).toBeLessThanOrEqual(button.top)
  })

  it('uses the measured height: a taller menu flips where a short one still fits below', () => {
    const button = buttonAt(500, 600)
    expect(placeMenu(button, { width: 180, height: 150 }, WINDOW).top).toBe(
      button.bottom + MENU_GAP,
    )
    expect(placeMenu(button, { width: 180, height: 190 }, WINDOW).top).toBe(
      button.top - MENU_GAP - 190,
    )
  })

  it('keeps the menu inside the left and right edges', () => {
    expect(placeMenu(buttonAt(20, 100), MENU, WINDOW).left).toBe(WINDOW_MARGIN)
    const wide = { width: 400, height: 100 }
    expect(placeMenu(buttonAt(1270, 100), wide, WINDOW).left).toBe(
      WINDOW.width - WINDOW_MARGIN - wide.width,
    )
  })

  it('stays inside a window too short for either side, on the roomier one', () => {
    const small = { width: 800, height: 300 }
    const spot = placeMenu(buttonAt(400, 120), { width: 180, height: 200 }, small)
    expect(spot.top).toBeGreaterThanOrEqual(WINDOW_MARGIN)
    expect(spot.top + 200).toBeLessThanOrEqual(small.height - WINDOW_MARGIN)
    expect(spot.maxHeight).toBeUndefined()
  })

  it('caps the height of a menu taller than the window, which then scrolls', () => {
    const tiny = { width: 800, height: 150 }
    expect(placeMenu(buttonAt(400, 60), { width: 180, height: 200 }, tiny)).toEqual({
      top: WINDOW_MARGIN,
      left: 400 + 24 - 180,
      maxHeight: tiny.height - 2 * WINDOW_MARGIN,
    })
  })
})
