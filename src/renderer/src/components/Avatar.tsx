import './components.css'
import { hueOf, initials } from './initials'

export function Avatar({
  name,
  id,
  size = 40,
}: {
  readonly name: string
  readonly id: string
  readonly size?: number
}) {
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{
        width: size,
        height: size,
        fontSize: size * 0.4,
        ['--avatar-hue' as string]: hueOf(id),
      }}
    >
      {initials(name)}
    </span>
  )
}
