// Where a menu opens beside its button: measured, not guessed, so it never runs off the window.

export interface Box {
  readonly top: number
  readonly right: number
  readonly bottom: number
  readonly left: number
}

export interface Size {
  readonly width: number
  readonly height: number
}

export interface Placement {
  readonly top: number
  readonly left: number
  /** Set when not even the larger side holds the whole menu: it scrolls within this height. */
  readonly maxHeight?: number
}

/** Space between the button and the menu. */
export const MENU_GAP = 4
/** The least space kept between the menu and the window's edges. */
export const WINDOW_MARGIN = 8

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), Math.max(low, high))
}

/**
 * Right-aligned with the button; below it when the menu fits there, else above it when it fits
 * there. When neither side holds it (a small window), it covers part of the button rather than
 * leave the window, and scrolls if it is taller than the window. Always WINDOW_MARGIN inside.
 */
export function placeMenu(button: Box, menu: Size, viewport: Size): Placement {
  const left = clamp(
    button.right - menu.width,
    WINDOW_MARGIN,
    viewport.width - WINDOW_MARGIN - menu.width,
  )
  const roomBelow = viewport.height - WINDOW_MARGIN - (button.bottom + MENU_GAP)
  const roomAbove = button.top - MENU_GAP - WINDOW_MARGIN
  if (menu.height <= roomBelow) return { top: button.bottom + MENU_GAP, left }
  if (menu.height <= roomAbove) return { top: button.top - MENU_GAP - menu.height, left }
  const height = Math.min(menu.height, viewport.height - 2 * WINDOW_MARGIN)
  const wanted = roomBelow >= roomAbove ? button.bottom + MENU_GAP : button.top - MENU_GAP - height
  const top = clamp(wanted, WINDOW_MARGIN, viewport.height - WINDOW_MARGIN - height)
  return height < menu.height ? { top, left, maxHeight: height } : { top, left }
}
