// A message's live burn countdown. It reads the one shared clock through a selector that
// returns only the label, so a row re-renders only when its text or urgency changes.
import { useClock } from '../../store/clock'
import { burnUrgency, describeCountdown, formatCountdown, remainingMs } from './countdown'
import { FlameIcon } from '../../components/icons'

export function BurnCountdown({ sentAt, burnAt }: { sentAt: number; burnAt: number }) {
  const label = useClock((state) => formatCountdown(remainingMs(sentAt, burnAt, state.now)))
  const urgency = useClock((state) => burnUrgency(sentAt, burnAt, state.now))
  const words = useClock((state) => describeCountdown(remainingMs(sentAt, burnAt, state.now)))
  return (
    <span
      className={`burn burn--${urgency}`}
      title={words}
      data-testid="burn-countdown"
      data-urgency={urgency}
    >
      <FlameIcon size={12} />
      <span aria-hidden="true">{label}</span>
      <span className="sr-only">{words}</span>
    </span>
  )
}
