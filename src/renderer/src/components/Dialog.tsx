// A modal dialog: labelled by its title, traps focus inside, closes on Esc or a click outside,
// makes the rest of the app inert while open, and gives focus back where it was on close.
// Dialogs stack: a confirmation opened from a dialog sits on top of it, and only the top one
// answers Esc and Tab, so Esc closes the confirmation alone and focus returns to its opener.
import { useEffect, useId, useRef, type ReactNode } from 'react'
import { createPortal } from 'react-dom'
import './components.css'
import { CloseIcon } from './icons'
import { useOverflows } from './use-overflows'

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

/** Keeps Tab and Shift+Tab cycling inside the panel, also when focus was lost to <body>. */
function trapTab(event: KeyboardEvent, panel: HTMLElement): void {
  const focusable = [...panel.querySelectorAll<HTMLElement>(FOCUSABLE)]
  const first = focusable[0]
  const last = focusable[focusable.length - 1]
  if (!first || !last) {
    event.preventDefault()
    panel.focus()
    return
  }
  const active = document.activeElement
  const outside = !panel.contains(active) || active === panel
  if (event.shiftKey && (outside || active === first)) {
    event.preventDefault()
    last.focus()
  } else if (!event.shiftKey && (outside || active === last)) {
    event.preventDefault()
    first.focus()
  }
}

/** The open dialogs' overlays, bottom first. */
const openOverlays: HTMLElement[] = []

function isTopDialog(overlay: HTMLElement | null): boolean {
  return overlay !== null && openOverlays[openOverlays.length - 1] === overlay
}

export interface DialogProps {
  readonly title: string
  /** A sentence under the title saying what the dialog is for. */
  readonly description?: ReactNode
  readonly onClose: () => void
  readonly children: ReactNode
  readonly size?: 'sm' | 'md' | 'lg'
  readonly testId?: string
  /** Hides the title visually (it still names the dialog), for dialogs that show their own. */
  readonly hideTitle?: boolean
  readonly position?: 'center' | 'top'
  /** Where focus goes on close when the element that had it before is gone (say, deleted). */
  readonly fallbackFocus?: () => HTMLElement | null | undefined
}

export function Dialog({
  title,
  description,
  onClose,
  children,
  size = 'md',
  testId,
  hideTitle = false,
  position = 'center',
  fallbackFocus,
}: DialogProps) {
  const titleId = useId()
  const descriptionId = useId()
  const overlayRef = useRef<HTMLDivElement>(null)
  const panelRef = useRef<HTMLDivElement>(null)
  const bodyRef = useRef<HTMLDivElement>(null)
  const contentRef = useRef<HTMLDivElement>(null)
  // Content taller than the window scrolls in the body, between a fixed header and a footer
  // of actions, with dividers showing where it goes out of sight.
  const overflowing = useOverflows(bodyRef, contentRef)
  const onCloseRef = useRef(onClose)
  const fallbackFocusRef = useRef(fallbackFocus)

  useEffect(() => {
    onCloseRef.current = onClose
    fallbackFocusRef.current = fallbackFocus
  }, [onClose, fallbackFocus])

  // Esc and Tab are handled on the document rather than the panel: a button that turns busy
  // (so disabled) drops focus to <body>, and the dialog must still close and keep focus inside.
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null
    const root = document.getElementById('root')
    const overlay = overlayRef.current
    // What lies under this dialog stops taking focus and clicks: the app, or the dialog below.
    const below = openOverlays[openOverlays.length - 1] ?? root
    below?.setAttribute('inert', '')
    if (overlay) openOverlays.push(overlay)
    const panel = panelRef.current
    const preferred =
      panel?.querySelector<HTMLElement>('[data-autofocus]') ??
      panel?.querySelector<HTMLElement>('input:not([disabled]), textarea, select') ??
      panel
    preferred?.focus()

    function onKeyDown(event: KeyboardEvent) {
      if (!isTopDialog(overlay)) return
      if (event.key === 'Escape') {
        event.preventDefault()
        onCloseRef.current()
      } else if (event.key === 'Tab' && panel) trapTab(event, panel)
    }
    document.addEventListener('keydown', onKeyDown)
    return () => {
      document.removeEventListener('keydown', onKeyDown)
      const index = overlay ? openOverlays.indexOf(overlay) : -1
      if (index >= 0) openOverlays.splice(index, 1)
      below?.removeAttribute('inert')
      if (previous?.isConnected && previous !== document.body) previous.focus()
      else fallbackFocusRef.current?.()?.focus()
    }
  }, [])

  return createPortal(
    <div
      ref={overlayRef}
      className={`dialog-overlay dialog-overlay--${position}`}
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose()
      }}
    >
      <div
        ref={panelRef}
        className={`dialog dialog--${size}${overflowing ? ' dialog--overflowing' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        tabIndex={-1}
        data-testid={testId}
      >
        <header className={`dialog__header${hideTitle ? ' sr-only' : ''}`}>
          <h2 id={titleId} className="dialog__title">
            {title}
          </h2>
          {description && (
            <p id={descriptionId} className="dialog__description">
              {description}
            </p>
          )}
        </header>
        {!hideTitle && (
          <button
            type="button"
            className="dialog__close icon-btn"
            aria-label="Close"
            onClick={onClose}
          >
            <CloseIcon />
          </button>
        )}
        <div ref={bodyRef} className="dialog__body">
          <div ref={contentRef} className="dialog__content">
            {children}
          </div>
        </div>
      </div>
    </div>,
    document.body,
  )
}

/**
 * The row of buttons at the bottom of a dialog or form. As the dialog's last element (or its
 * form's), it stays in sight while the content above it scrolls.
 */
export function DialogActions({ children }: { readonly children: ReactNode }) {
  return <div className="dialog__actions">{children}</div>
}
