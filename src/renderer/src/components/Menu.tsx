// A button that opens a short menu of actions, as the "More" menus of Discord and Slack do:
// focus moves into the menu, the arrow keys (and Home, End) move between its items, Enter or
// Space picks one, and Esc, Tab or a click elsewhere closes it with focus back on the button.
import {
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  type KeyboardEvent,
  type ReactNode,
} from 'react'
import { createPortal } from 'react-dom'
import './components.css'
import { placeMenu } from './menu-placement'

export interface MenuItem {
  readonly label: string
  readonly onSelect: () => void
  readonly danger?: boolean
}

export interface MenuButtonProps {
  /** The button's accessible name; also the menu's. */
  readonly label: string
  readonly items: readonly MenuItem[]
  readonly open: boolean
  readonly onOpenChange: (open: boolean) => void
  readonly className?: string
  readonly tabIndex?: number
  readonly children: ReactNode
}

/** Measures the menu as drawn and moves it beside the button, inside the window. */
function place(menu: HTMLElement, button: HTMLElement): void {
  // From the corner, at its natural size, so the measurement is not squeezed by an old spot.
  menu.style.top = '0px'
  menu.style.left = '0px'
  menu.style.maxHeight = ''
  const { width, height } = menu.getBoundingClientRect()
  const spot = placeMenu(
    button.getBoundingClientRect(),
    { width, height },
    { width: window.innerWidth, height: window.innerHeight },
  )
  menu.style.top = `${spot.top}px`
  menu.style.left = `${spot.left}px`
  if (spot.maxHeight !== undefined) menu.style.maxHeight = `${spot.maxHeight}px`
}

export function MenuButton({
  label,
  items,
  open,
  onOpenChange,
  className,
  tabIndex,
  children,
}: MenuButtonProps) {
  const menuId = useId()
  const buttonRef = useRef<HTMLButtonElement>(null)
  const menuRef = useRef<HTMLDivElement>(null)
  // Before the first paint, so the menu never shows in the wrong spot; again when the window
  // changes size.
  useLayoutEffect(() => {
    const menu = menuRef.current
    const button = buttonRef.current
    if (!open || !menu || !button) return
    const placeNow = () => place(menu, button)
    placeNow()
    window.addEventListener('resize', placeNow)
    return () => window.removeEventListener('resize', placeNow)
  }, [open, items])

  useEffect(() => {
    if (!open) return
    menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus()
    function onPointerDown(event: MouseEvent) {
      const target = event.target as Node | null
      if (menuRef.current?.contains(target) || buttonRef.current?.contains(target)) return
      onOpenChange(false)
    }
    document.addEventListener('mousedown', onPointerDown)
    return () => document.removeEventListener('mousedown', onPointerDown)
  }, [open, onOpenChange])

  function closeToButton() {
    onOpenChange(false)
    buttonRef.current?.focus()
  }

  function onMenuKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const entries = [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])]
    const at = entries.indexOf(document.activeElement as HTMLElement)
    const move = (index: number) => entries[(index + entries.length) % entries.length]?.focus()
    switch (event.key) {
      case 'ArrowDown':
        move(at + 1)
        break
      case 'ArrowUp':
        move(at < 0 ? -1 : at - 1)
        break
      case 'Home':
        move(0)
        break
      case 'End':
        move(-1)
        break
      case 'Escape':
      case 'Tab':
        closeToButton()
        break
      default:
        return
    }
    event.preventDefault()
    event.stopPropagation()
  }

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className={className}
        aria-label={label}
        title={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        tabIndex={tabIndex}
        onClick={() => onOpenChange(!open)}
      >
        <span aria-hidden="true">{children}</span>
      </button>
      {open &&
        createPortal(
          <div
            ref={menuRef}
            id={menuId}
            role="menu"
            aria-label={label}
            className="menu"
            onKeyDown={onMenuKeyDown}
          >
            {items.map((item) => (
              <button
                key={item.label}
                type="button"
                role="menuitem"
                tabIndex={-1}
                className={`menu__item${item.danger ? ' menu__item--danger' : ''}`}
                onClick={() => {
                  // Back on the button first, so whatever the item opens returns focus there.
                  closeToButton()
                  item.onSelect()
                }}
              >
                {item.label}
              </button>
            ))}
          </div>,
          document.body,
        )}
    </>
  )
}
