// The member list beside the messages: the server's safety code to compare with others, then
// everyone in the server by role, with a warning on those whose safety number changed.
import type { MemberInfo, Role } from '../../../../shared/api'
import { Avatar } from '../../components/Avatar'
import { useNarrowLayout } from '../../app/layout'
import { useAuth } from '../../store/auth'
import { useSelectedServer } from '../../store/selectors'
import { useUi } from '../../store/ui'
import './members.css'
import { WarningIcon } from '../../components/icons'

const SECTIONS: readonly { role: Role; title: string }[] = [
  { role: 'owner', title: 'Owner' },
  { role: 'admin', title: 'Admins' },
  { role: 'member', title: 'Members' },
]

export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
}

function MemberRow({
  serverId,
  member,
  isMe,
}: {
  serverId: string
  member: MemberInfo
  isMe: boolean
}) {
  const openDialog = useUi((state) => state.openDialog)
  const label = [
    member.displayName,
    isMe ? 'you' : null,
    ROLE_NAMES[member.role],
    member.keyChanged ? 'safety number changed' : null,
  ]
    .filter(Boolean)
    .join(', ')
  return (
    <li>
      <button
        type="button"
        className="member"
        aria-label={label}
        data-testid="member"
        data-member-name={member.displayName}
        onClick={() => openDialog({ kind: 'member', serverId, userId: member.userId })}
      >
        <Avatar name={member.displayName} id={member.userId} size={32} />
        <span className="member__text">
          <span className="member__name">
            <bdi>{member.displayName}</bdi>
            {isMe && <span className="member__you"> (you)</span>}
          </span>
          {member.status && (
            <span className="member__status">
              <bdi>{member.status}</bdi>
            </span>
          )}
        </span>
        {member.keyChanged && (
          <span className="member__warning" title="Safety number changed" aria-hidden="true">
            <WarningIcon size={16} />
          </span>
        )}
      </button>
    </li>
  )
}

/**
 * Two members who read the same code see the same members, roles, channels and keys: a backend
 * that showed them different versions of the server is caught by comparing it.
 */
function SafetyCode({ code }: { code: string }) {
  return (
    <section className="members__section" aria-labelledby="members-safety-code">
      <h3 id="members-safety-code" className="members__title">
        Safety code
      </h3>
      <p className="members__code" data-testid="server-safety-code">
        {code}
      </p>
      <p className="members__hint">
        Compare this code with another member: if yours match, you both see the same server.
      </p>
    </section>
  )
}

export function MemberList() {
  const server = useSelectedServer()
  const myUserId = useAuth((state) => state.userId)
  const narrow = useNarrowLayout()
  const toggleMembers = useUi((state) => state.toggleMembers)
  if (!server) return null
  return (
    <aside
      className="members"
      aria-label="Members"
      onKeyDown={(event) => {
        // Over the messages, Esc puts the list away and focus back on its button.
        if (event.key !== 'Escape' || !narrow) return
        event.preventDefault()
        toggleMembers(true)
        document.querySelector<HTMLElement>('[data-testid="members-toggle"]')?.focus()
      }}
    >
      <h2 className="sr-only">Members of {server.name}</h2>
      {server.safetyCode && <SafetyCode code={server.safetyCode} />}
      {SECTIONS.map(({ role, title }) => {
        const members = server.members
          .filter((member) => member.role === role)
          .sort((a, b) => a.displayName.localeCompare(b.displayName))
        if (members.length === 0) return null
        return (
          <section key={role} className="members__section" aria-labelledby={`members-${role}`}>
            <h3 id={`members-${role}`} className="members__title">
              {title} — {members.length}
            </h3>
            <ul>
              {members.map((member) => (
                <MemberRow
                  key={member.userId}
                  serverId={server.id}
                  member={member}
                  isMe={member.userId === myUserId}
                />
              ))}
            </ul>
          </section>
        )
      })}
    </aside>
  )
}
