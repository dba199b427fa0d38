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

/** Estimated item height, to open upwards when the menu would not fit below the button. */
const ITEM_HEIGHT = 34

/** Beside the button, below it, or above it when the window has no room below. */
function place(menu: HTMLElement, button: HTMLElement, itemCount: number): void {
  const rect = button.getBoundingClientRect()
  const fitsBelow = rect.bottom + 8 + itemCount * ITEM_HEIGHT <= window.innerHeight
  menu.style.right = `${Math.max(4, window.innerWidth - rect.right)}px`
  if (fitsBelow) menu.style.top = `${rect.bottom + 4}px`
  else menu.style.bottom = `${window.innerHeight - rect.top + 4}px`
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
  useLayoutEffect(() => {
    if (open && menuRef.current && buttonRef.current)
      place(menuRef.current, buttonRef.current, items.length)
  }, [open, items.length])

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
