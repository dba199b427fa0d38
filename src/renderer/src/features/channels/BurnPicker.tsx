// Chooses how long messages live: presets from 5 seconds to 14 days, or a custom time.
import { useId, useState } from 'react'
import { BURN_PRESETS, formatBurnLong, parseBurn, splitBurn, type BurnUnit } from './burn-time'

export interface BurnPickerProps {
  readonly seconds: number
  /** Reports a valid time, or null while the custom entry is not one. */
  readonly onChange: (seconds: number | null) => void
  readonly disabled?: boolean
}

const UNITS: readonly BurnUnit[] = ['seconds', 'minutes', 'hours', 'days']

export function BurnPicker({ seconds, onChange, disabled }: BurnPickerProps) {
  const id = useId()
  const isPreset = BURN_PRESETS.some((preset) => preset.seconds === seconds)
  const [custom, setCustom] = useState(!isPreset)
  const initial = splitBurn(seconds)
  const [amount, setAmount] = useState(initial.amount)
  const [unit, setUnit] = useState<BurnUnit>(initial.unit)
  const parsed = parseBurn(amount, unit)

  function updateCustom(nextAmount: string, nextUnit: BurnUnit) {
    setAmount(nextAmount)
    setUnit(nextUnit)
    const result = parseBurn(nextAmount, nextUnit)
    onChange(result.ok ? result.seconds : null)
  }

  return (
    <fieldset className="fieldset" disabled={disabled}>
      <legend className="fieldset__legend">Messages burn after</legend>
      <div className="chips">
        {BURN_PRESETS.map((preset) => (
          <label key={preset.seconds} className="chip" title={formatBurnLong(preset.seconds)}>
            <input
              type="radio"
              name={`${id}-burn`}
              checked={!custom && seconds === preset.seconds}
              aria-label={formatBurnLong(preset.seconds)}
              onChange={() => {
                setCustom(false)
                onChange(preset.seconds)
              }}
            />
            <span aria-hidden="true">{preset.label}</span>
          </label>
        ))}
        <label className="chip">
          <input
            type="radio"
            name={`${id}-burn`}
            checked={custom}
            onChange={() => {
              setCustom(true)
              updateCustom(amount, unit)
            }}
          />
          <span>Custom</span>
        </label>
      </div>
      {custom && (
        <div className="burn-custom">
          <div className="field">
            <label className="field__label" htmlFor={`${id}-amount`}>
              Amount
            </label>
            <input
              id={`${id}-amount`}
              className="field__input"
              inputMode="numeric"
              value={amount}
              aria-invalid={!parsed.ok || undefined}
              aria-describedby={!parsed.ok ? `${id}-error` : undefined}
              onChange={(event) => updateCustom(event.target.value, unit)}
            />
          </div>
          <div className="field">
            <label className="field__label" htmlFor={`${id}-unit`}>
              Unit
            </label>
            <select
              id={`${id}-unit`}
              className="field__input field__select"
              value={unit}
              onChange={(event) => updateCustom(amount, event.target.value as BurnUnit)}
            >
              {UNITS.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
      {custom && !parsed.ok ? (
        <p className="field__error" id={`${id}-error`} role="alert">
          {parsed.error}
        </p>
      ) : (
        <p className="field__hint">
          Every message in this channel disappears{' '}
          {formatBurnLong(custom && parsed.ok ? parsed.seconds : seconds)} after it is sent, on
          every device.
        </p>
      )}
    </fieldset>
  )
}
