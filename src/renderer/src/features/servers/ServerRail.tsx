// The server rail: one round icon per server with its initials and an unread dot, and "+" to
// create or join one.
import { initials } from '../../components/initials'
import { selectServer } from '../../store/navigation'
import { useServers } from '../../store/servers'
import { useUi } from '../../store/ui'
import './servers.css'

export function ServerRail() {
  const servers = useServers((state) => state.list)
  const selectedId = useUi((state) => state.selectedServerId)
  const openDialog = useUi((state) => state.openDialog)

  return (
    <nav className="rail" aria-label="Servers">
      <ul className="rail__list">
        {servers.map((server) => {
          const selected = server.id === selectedId
          const unread = server.unread > 0 && !selected
          return (
            <li key={server.id} className="rail__item">
              {unread && <span className="rail__unread" aria-hidden="true" />}
              {selected && <span className="rail__pill" aria-hidden="true" />}
              <button
                type="button"
                className={`rail__server${selected ? ' rail__server--selected' : ''}`}
                aria-label={unread ? `${server.name}, ${server.unread} unread` : server.name}
                aria-current={selected ? 'page' : undefined}
                title={server.name}
                data-testid="server-icon"
                onClick={() => void selectServer(server.id)}
              >
                <span aria-hidden="true">{initials(server.name)}</span>
              </button>
            </li>
          )
        })}
        <li className="rail__item">
          <button
            type="button"
            className="rail__server rail__add"
            aria-label="Create or join a server"
            title="Create or join a server"
            onClick={() => openDialog({ kind: 'addServer' })}
          >
            <span aria-hidden="true">+</span>
          </button>
        </li>
      </ul>
    </nav>
  )
}
