import type { ButtonHTMLAttributes, ReactNode } from 'react'
import './components.css'

/** `danger-ghost`: a destructive action that first asks (`Delete account…`), quiet until then. */
export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'danger-ghost' | 'ghost' | 'link'

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  readonly variant?: ButtonVariant
  /** Shows the work in progress and blocks a second press. */
  readonly busy?: boolean
  readonly busyLabel?: string
  readonly children: ReactNode
}

export function Button({
  variant = 'secondary',
  busy = false,
  busyLabel,
  disabled,
  className,
  children,
  type = 'button',
  onClick,
  ...rest
}: ButtonProps) {
  // A busy button stays focusable (disabling it would drop focus to the page) but ignores presses.
  return (
    <button
      {...rest}
      type={type}
      className={`btn btn--${variant}${busy ? ' btn--busy' : ''}${className ? ` ${className}` : ''}`}
      disabled={disabled}
      aria-disabled={busy || undefined}
      aria-busy={busy || undefined}
      onClick={(event) => {
        if (busy) event.preventDefault()
        else onClick?.(event)
      }}
    >
      {busy && <span className="spinner" aria-hidden="true" />}
      {busy && busyLabel ? busyLabel : children}
    </button>
  )
}

export interface IconButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  /** The accessible name; also shown as a tooltip. */
  readonly label: string
  readonly children: ReactNode
}

export function IconButton({
  label,
  className,
  children,
  type = 'button',
  ...rest
}: IconButtonProps) {
  return (
    <button
      {...rest}
      type={type}
      className={`icon-btn${className ? ` ${className}` : ''}`}
      aria-label={label}
      title={label}
    >
      <span aria-hidden="true">{children}</span>
    </button>
  )
}
