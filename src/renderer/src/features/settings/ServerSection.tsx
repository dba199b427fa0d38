// Which server the account lives on, and every account this device keeps with its server.
// Read-only: an account's server is chosen when it is created or signed into.
import { useEffect } from 'react'
import type { BackendChoice } from '../../../../shared/api'
import { useServerChoice } from '../../store/server-choice'

const serverName = (backend: BackendChoice): string =>
  backend.kind === 'this_computer' ? 'This computer' : backend.url

export function ServerSection() {
  const accounts = useServerChoice((state) => state.accounts)
  const loadOptions = useServerChoice((state) => state.loadOptions)
  const current = accounts.find((account) => account.current)

  useEffect(() => {
    void loadOptions()
  }, [loadOptions])

  return (
    <section className="settings__section" aria-labelledby="settings-server">
      <h3 id="settings-server" className="section-title">
        Server
      </h3>
      <p className="section-text" data-testid="settings-server">
        {current
          ? `Your account lives on ${current.backend.kind === 'this_computer' ? 'this computer’s own server' : current.backend.url}.`
          : 'Where your account lives is not known yet.'}{' '}
        To use another server, log out and choose it when you log in or create an account.
      </p>
      {accounts.length > 0 && (
        <table className="settings__servers">
          <caption className="settings__subtitle">Accounts on this device</caption>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Server</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((account) => (
              <tr key={account.name}>
                <td>
                  {account.name}
                  {account.current && <span className="settings__this-account"> (this one)</span>}
                </td>
                <td className="settings__server-address">{serverName(account.backend)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
