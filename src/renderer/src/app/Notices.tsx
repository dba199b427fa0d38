// Short notices in a corner (a removal, a changed safety number); each can be dismissed.
import { useEffect } from 'react'
import { useUi, type Notice } from '../store/ui'
import { CloseIcon } from '../components/icons'

const INFO_LIFETIME_MS = 8000

function NoticeItem({ notice }: { notice: Notice }) {
  const dismiss = useUi((state) => state.dismissNotice)
  useEffect(() => {
    // Warnings stay until dismissed: they ask the user to check something.
    if (notice.tone !== 'info') return
    const timer = setTimeout(() => dismiss(notice.id), INFO_LIFETIME_MS)
    return () => clearTimeout(timer)
  }, [notice, dismiss])
  return (
    <li className={`notice notice--${notice.tone}`} data-testid="notice">
      <span>{notice.text}</span>
      <button
        type="button"
        className="icon-btn notice__close"
        aria-label="Dismiss"
        onClick={() => dismiss(notice.id)}
      >
        <CloseIcon size={14} />
      </button>
    </li>
  )
}

export function Notices() {
  const notices = useUi((state) => state.notices)
  return (
    <section className="notices" aria-label="Notifications" aria-live="polite">
      <ul>
        {notices.map((notice) => (
          <NoticeItem key={notice.id} notice={notice} />
        ))}
      </ul>
    </section>
  )
}
