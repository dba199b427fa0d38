// The window's size, position and maximised state, kept in a small JSON file in the userData
// folder between runs. A missing, unreadable or hand-edited file gives the defaults; a
// position that is no longer on any screen (a monitor unplugged) is dropped so the window
// opens centred instead of out of sight.
import { readFile, rename, writeFile } from 'node:fs/promises'

export interface Rect {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

export interface WindowState {
  readonly width: number
  readonly height: number
  /** Absent: let the system centre the window. */
  readonly x?: number
  readonly y?: number
  readonly maximized: boolean
}

export const WINDOW_STATE_FILE = 'window-state.json'
export const MIN_WIDTH = 640
export const MIN_HEIGHT = 480
export const DEFAULT_WINDOW_STATE: WindowState = { width: 1200, height: 800, maximized: false }
/** How much of the title bar must show on some screen for a remembered position to stand. */
const VISIBLE_MARGIN = 64

const isCoordinate = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 100_000
const isSize = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 100_000

/** A saved state from its JSON value; null when it is not one. */
export function parseWindowState(value: unknown): WindowState | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  const { width, height, x, y, maximized } = value as Record<string, unknown>
  if (!isSize(width) || !isSize(height) || typeof maximized !== 'boolean') return null
  const positioned = isCoordinate(x) && isCoordinate(y)
  return positioned ? { width, height, x, y, maximized } : { width, height, maximized }
}

/** Fits a saved state to the screens there are now (their work areas). */
export function placeOnScreens(state: WindowState, workAreas: readonly Rect[]): WindowState {
  const largest = workAreas.reduce<Rect | null>(
    (best, area) =>
      best === null || area.width * area.height > best.width * best.height ? area : best,
    null,
  )
  const width = Math.max(MIN_WIDTH, Math.min(state.width, largest?.width ?? state.width))
  const height = Math.max(MIN_HEIGHT, Math.min(state.height, largest?.height ?? state.height))
  const sized = { width, height, maximized: state.maximized }
  if (state.x === undefined || state.y === undefined) return sized
  const titleBar: Rect = { x: state.x, y: state.y, width, height: VISIBLE_MARGIN }
  const visible = workAreas.some(
    (area) => overlap(titleBar, area) >= VISIBLE_MARGIN * VISIBLE_MARGIN,
  )
  return visible ? { ...sized, x: state.x, y: state.y } : sized
}

function overlap(a: Rect, b: Rect): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return width > 0 && height > 0 ? width * height : 0
}

/** What to save: the normal (unmaximised) bounds, so un-maximising later restores them. */
export function stateToSave(normalBounds: Rect, maximized: boolean): WindowState {
  return {
    x: Math.round(normalBounds.x),
    y: Math.round(normalBounds.y),
    width: Math.max(MIN_WIDTH, Math.round(normalBounds.width)),
    height: Math.max(MIN_HEIGHT, Math.round(normalBounds.height)),
    maximized,
  }
}

/** The saved state, or the defaults when there is none or it cannot be read. */
export async function readWindowState(file: string): Promise<WindowState> {
  try {
    return parseWindowState(JSON.parse(await readFile(file, 'utf8'))) ?? DEFAULT_WINDOW_STATE
  } catch {
    return DEFAULT_WINDOW_STATE
  }
}

/** Writes through a temporary file, so a crash mid-write leaves the old state whole. */
export async function writeWindowState(file: string, state: WindowState): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, JSON.stringify(state), { mode: 0o600 })
  await rename(temporary, file)
}
