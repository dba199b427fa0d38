// "Restart to update": what the desktop app's updater has to say (src/shared/desktop-api.ts,
// decided in src/main/policy/updates.ts). Nothing installs until the person restarts for it,
// and the restart waits while a call is on. Absent in a browser.
import { useEffect, useState } from 'react'
import { Button } from '../components/Button'
import type { DesktopApi, RestartOutcome, UpdateStatus } from '../../../shared/desktop-api'
import './update-banner.css'

const NONE: UpdateStatus = { state: 'none' }

export function UpdateBanner({ desktop = window.paracordDesktop }: { desktop?: DesktopApi }) {
  const [status, setStatus] = useState<UpdateStatus>(NONE)
  const [hidden, setHidden] = useState(false)
  const [outcome, setOutcome] = useState<RestartOutcome | null>(null)

  useEffect(() => {
    if (!desktop) return
    let live = true
    const show = (next: UpdateStatus) => {
      if (!live) return
      setStatus(next)
      setHidden(false)
      setOutcome(null)
    }
    const stop = desktop.onUpdateStatus(show)
    desktop.getUpdateStatus().then(show, () => {})
    return () => {
      live = false
      stop()
    }
  }, [desktop])

  if (!desktop || hidden || status.state === 'none') return null

  const restart = () => {
    setOutcome('restarting')
    desktop.restartToUpdate().then(setOutcome, () => setOutcome(null))
  }

  return (
    <aside className="update-banner" role="status" aria-live="polite" data-testid="update-banner">
      {status.state === 'ready' ? (
        <p>
          paracord {status.version} is ready.{' '}
          {outcome === 'in_call' && 'It will install once your call ends: restart then.'}
        </p>
      ) : (
        <p>
          paracord {status.version} is available. Update it the way you installed it: this copy
          cannot check an update’s signature by itself.
        </p>
      )}
      <div className="update-banner__actions">
        {status.state === 'ready' && (
          <Button
            variant="primary"
            busy={outcome === 'restarting'}
            busyLabel="Restarting…"
            onClick={restart}
          >
            Restart to update
          </Button>
        )}
        <Button variant="ghost" onClick={() => setHidden(true)}>
          Later
        </Button>
      </div>
    </aside>
  )
}
