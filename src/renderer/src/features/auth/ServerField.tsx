// Where the account lives, on the register and log-in forms: "This computer" (the server this
// app runs, which only people on this computer reach) or another server's address, as
// Element's homeserver picker offers. Native radios in a fieldset: arrow keys choose, Tab
// reaches the address.
import { useEffect, useId, useRef } from 'react'
import { TextField } from '../../components/TextField'
import { useServerChoice } from '../../store/server-choice'

export function ServerField({ disabled = false }: { disabled?: boolean }) {
  const kind = useServerChoice((state) => state.kind)
  const address = useServerChoice((state) => state.address)
  const thisComputerOffered = useServerChoice((state) => state.thisComputerOffered)
  const problem = useServerChoice((state) => state.problem)
  const loadOptions = useServerChoice((state) => state.loadOptions)
  const chooseThisComputer = useServerChoice((state) => state.chooseThisComputer)
  const chooseAddress = useServerChoice((state) => state.chooseAddress)
  const typeAddress = useServerChoice((state) => state.typeAddress)
  const group = useId()
  const hintId = `${group}-hint`
  const addressRef = useRef<HTMLInputElement>(null)

  useEffect(() => {
    void loadOptions()
  }, [loadOptions])

  // A refused address takes the focus back, so the person can correct it at once.
  useEffect(() => {
    if (problem !== null && !disabled) addressRef.current?.focus()
  }, [problem, disabled])

  return (
    <fieldset className="fieldset server-field" data-testid="server-field">
      <legend className="fieldset__legend">Server</legend>
      <div className="chips">
        <label className="chip">
          <input
            type="radio"
            name={group}
            value="this_computer"
            checked={kind === 'this_computer'}
            disabled={disabled || !thisComputerOffered}
            aria-describedby={kind === 'this_computer' ? hintId : undefined}
            onChange={chooseThisComputer}
          />
          <span>This computer</span>
        </label>
        <label className="chip">
          <input
            type="radio"
            name={group}
            value="address"
            checked={kind === 'address'}
            disabled={disabled}
            onChange={chooseAddress}
          />
          <span>Another server</span>
        </label>
      </div>
      {kind === 'this_computer' ? (
        <p className="field__hint server-field__hint" id={hintId}>
          The server paracord runs on this computer. Only people using this computer can reach it.
        </p>
      ) : (
        <TextField
          className="server-field__address"
          label="Server address"
          type="url"
          inputMode="url"
          autoComplete="url"
          spellCheck={false}
          placeholder="https://chat.example.org"
          value={address}
          onChange={(event) => typeAddress(event.target.value)}
          disabled={disabled}
          error={problem}
          hint={
            thisComputerOffered
              ? 'The address the server’s operator gave you.'
              : 'paracord was started for this server, so This computer is not offered.'
          }
          inputRef={addressRef}
        />
      )}
    </fieldset>
  )
}
