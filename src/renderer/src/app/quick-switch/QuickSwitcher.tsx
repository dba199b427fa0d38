// Ctrl/Cmd+K: type a few letters of a server or channel, arrow to it, Enter to open it.
import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react'
import { Dialog } from '../../components/Dialog'
import { loadAllServerDetails, openTarget } from '../../store/navigation'
import { useServers } from '../../store/servers'
import { useUi } from '../../store/ui'
import { filterTargets, type SwitchTarget } from './fuzzy'
import './quick-switch.css'
import { HashIcon, SpeakerIcon } from '../../components/icons'

function useTargets(): SwitchTarget[] {
  const list = useServers((state) => state.list)
  const details = useServers((state) => state.details)
  return useMemo(() => {
    const targets: SwitchTarget[] = []
    for (const server of list) {
      targets.push({
        kind: 'server',
        serverId: server.id,
        channelId: null,
        name: server.name,
        detail: 'Server',
      })
      for (const channel of details[server.id]?.channels ?? []) {
        targets.push({
          kind: 'channel',
          serverId: server.id,
          channelId: channel.id,
          name: channel.name,
          detail: `${channel.kind === 'voice' ? 'Voice' : 'Text'} · ${server.name}`,
          context: server.name,
        })
      }
    }
    return targets
  }, [list, details])
}

export function QuickSwitcher() {
  const closeDialog = useUi((state) => state.closeDialog)
  const targets = useTargets()
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const listId = useId()
  const results = useMemo(() => filterTargets(targets, query), [targets, query])
  const activeIndex = Math.min(active, Math.max(results.length - 1, 0))

  useEffect(() => {
    void loadAllServerDetails()
  }, [])

  function choose(target: SwitchTarget | undefined) {
    if (!target) return
    closeDialog()
    void openTarget(target)
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault()
      setActive((activeIndex + 1) % Math.max(results.length, 1))
    } else if (event.key === 'ArrowUp') {
      event.preventDefault()
      setActive((activeIndex - 1 + results.length) % Math.max(results.length, 1))
    } else if (event.key === 'Enter') {
      event.preventDefault()
      choose(results[activeIndex])
    }
  }

  const optionId = (index: number) => `${listId}-option-${index}`

  return (
    <Dialog
      title="Quick switcher"
      onClose={closeDialog}
      size="md"
      hideTitle
      position="top"
      testId="quick-switcher"
    >
      <input
        className="switcher__input"
        role="combobox"
        aria-label="Find a server or channel"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={results.length > 0 ? optionId(activeIndex) : undefined}
        aria-autocomplete="list"
        placeholder="Where to? Type a server or channel name"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value)
          setActive(0)
        }}
        onKeyDown={onKeyDown}
        data-autofocus
      />
      <ul id={listId} className="switcher__list" role="listbox" aria-label="Matches">
        {results.map((target, index) => (
          <li
            key={`${target.serverId}/${target.channelId ?? ''}`}
            id={optionId(index)}
            role="option"
            aria-selected={index === activeIndex}
            className={`switcher__option${index === activeIndex ? ' switcher__option--active' : ''}`}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => choose(target)}
            onMouseMove={() => setActive(index)}
          >
            <span className="switcher__icon" aria-hidden="true">
              {target.kind === 'server' ? (
                '◈'
              ) : target.detail.startsWith('Voice') ? (
                <SpeakerIcon size={16} />
              ) : (
                <HashIcon size={16} />
              )}
            </span>
            <span className="switcher__name">{target.name}</span>
            <span className="switcher__detail">{target.detail}</span>
          </li>
        ))}
      </ul>
      {results.length === 0 && <p className="switcher__empty">Nothing matches “{query}”.</p>}
      <p className="switcher__help">↑ ↓ to choose · Enter to open · Esc to close</p>
    </Dialog>
  )
}
