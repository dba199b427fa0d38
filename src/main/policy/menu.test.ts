import { describe, expect, it } from 'vitest'
import { applicationMenu, LOCK_ACCELERATOR, type MenuItemSpec, type MenuOptions } from './menu'

const calls: string[] = []
const options = (overrides: Partial<MenuOptions> = {}): MenuOptions => ({
  platform: 'linux',
  appName: 'paracord',
  development: false,
  rememberMe: { available: true, checked: false },
  actions: {
    lockNow: () => calls.push('lock'),
    toggleRememberMe: (checked) => calls.push(`remember:${checked}`),
  },
  ...overrides,
})

const flatten = (items: readonly MenuItemSpec[]): MenuItemSpec[] =>
  items.flatMap((item) => [item, ...flatten(item.submenu ?? [])])
const roles = (items: readonly MenuItemSpec[]) =>
  flatten(items)
    .map((item) => item.role)
    .filter(Boolean)

describe('applicationMenu', () => {
  it('has the standard editing, view and window roles', () => {
    const menu = applicationMenu(options())
    expect(menu.map((item) => item.label)).toEqual(['File', 'Edit', 'View', 'Window'])
    expect(roles(menu)).toEqual(
      expect.arrayContaining([
        'undo',
        'redo',
        'cut',
        'copy',
        'paste',
        'selectAll',
        'zoomIn',
        'zoomOut',
        'resetZoom',
        'togglefullscreen',
        'minimize',
        'close',
        'quit',
      ]),
    )
  })

  it('opens no developer tools and has no reload in a packaged app', () => {
    expect(roles(applicationMenu(options()))).not.toContain('toggleDevTools')
    expect(roles(applicationMenu(options()))).not.toContain('reload')
    expect(roles(applicationMenu(options({ development: true })))).toContain('toggleDevTools')
  })

  it('puts the app menu first on macOS', () => {
    const menu = applicationMenu(options({ platform: 'darwin' }))
    expect(menu[0]?.label).toBe('paracord')
    expect(roles(menu.slice(0, 1))).toEqual(
      expect.arrayContaining(['about', 'hide', 'hideOthers', 'quit']),
    )
  })

  it('locks from the menu, and toggles remember-me only when a keyring exists', () => {
    calls.length = 0
    const items = flatten(applicationMenu(options()))
    const lock = items.find((item) => item.label === 'Lock paracord')
    expect(lock?.accelerator).toBe(LOCK_ACCELERATOR)
    lock?.click?.()
    const remember = items.find((item) => item.type === 'checkbox')
    expect(remember).toMatchObject({ enabled: true, checked: false })
    remember?.click?.()
    expect(calls).toEqual(['lock', 'remember:true'])

    const without = flatten(
      applicationMenu(options({ rememberMe: { available: false, checked: true } })),
    ).find((item) => item.type === 'checkbox')
    expect(without).toMatchObject({ enabled: false, checked: false })
    expect(without?.label).toContain('needs a system keyring')
  })
})
