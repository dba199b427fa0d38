import './components.css'
import { avatarColour, initials } from './initials'

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
        ['--avatar-colour' as string]: avatarColour(id),
      }}
    >
      {initials(name)}
    </span>
  )
}
