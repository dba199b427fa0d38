import { useId, type InputHTMLAttributes, type ReactNode, type Ref } from 'react'
import { charCount } from './char-count'
import './components.css'

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  readonly label: string
  /** Shown under the field and announced with it. */
  readonly hint?: ReactNode
  /** Marks the field invalid and says why. */
  readonly error?: string | null
  readonly inputRef?: Ref<HTMLInputElement>
  /**
   * The most characters the value may have. Instead of cutting what is typed or pasted (as
   * maxLength does, without a word), a counter shows near the limit and says how far past it.
   */
  readonly maxChars?: number
}

/** The counter appears when this few characters are left. */
const COUNTER_FROM = 10

function CharCounter({ id, length, max }: { id: string; length: number; max: number }) {
  const left = max - length
  return (
    <div
      id={id}
      className={`field__counter${left < 0 ? ' field__counter--over' : ''}`}
      aria-live="polite"
      data-testid="char-counter"
    >
      {/* Past the limit the field's error says what to do; the counter only counts. */}
      {left < 0 ? `${length}/${max}` : `${left} ${left === 1 ? 'character' : 'characters'} left`}
    </div>
  )
}

export function TextField({
  label,
  hint,
  error,
  inputRef,
  maxChars,
  className,
  ...rest
}: TextFieldProps) {
  const id = useId()
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const counterId = `${id}-counter`
  const length =
    maxChars === undefined || typeof rest.value !== 'string' ? 0 : charCount(rest.value)
  const showCounter = maxChars !== undefined && maxChars - length <= COUNTER_FROM
  const describedBy = [hint ? hintId : null, showCounter ? counterId : null, error ? errorId : null]
    .filter(Boolean)
    .join(' ')
  return (
    <div className={`field${className ? ` ${className}` : ''}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <input
        {...rest}
        ref={inputRef}
        id={id}
        className="field__input"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
      />
      {hint && (
        <div className="field__hint" id={hintId}>
          {hint}
        </div>
      )}
      {showCounter && <CharCounter id={counterId} length={length} max={maxChars} />}
      {error && (
        <div className="field__error" id={errorId} role="alert">
          {error}
        </div>
      )}
    </div>
  )
}

export interface SelectFieldProps {
  readonly label: string
  readonly value: string
  readonly options: readonly { readonly value: string; readonly label: string }[]
  readonly onChange: (value: string) => void
  readonly disabled?: boolean
  readonly hint?: string
}

export function SelectField({ label, value, options, onChange, disabled, hint }: SelectFieldProps) {
  const id = useId()
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        className="field__input field__select"
        value={value}
        disabled={disabled}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(event) => onChange(event.target.value)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {hint && (
        <div className="field__hint" id={`${id}-hint`}>
          {hint}
        </div>
      )}
    </div>
  )
}

export interface SwitchFieldProps {
  readonly label: string
  readonly description?: string
  readonly checked: boolean
  readonly onChange: (checked: boolean) => void
  readonly disabled?: boolean
}

/** A labelled on/off setting: a checkbox styled as a switch, so it keeps native semantics. */
export function SwitchField({ label, description, checked, onChange, disabled }: SwitchFieldProps) {
  const id = useId()
  return (
    <div className="switch-field">
      <div className="switch-field__text">
        <label htmlFor={id} className="switch-field__label">
          {label}
        </label>
        {description && (
          <div className="field__hint" id={`${id}-desc`}>
            {description}
          </div>
        )}
      </div>
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch"
        checked={checked}
        disabled={disabled}
        aria-describedby={description ? `${id}-desc` : undefined}
        onChange={(event) => onChange(event.target.checked)}
      />
    </div>
  )
}
