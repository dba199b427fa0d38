import type { ReactNode } from 'react'
import './components.css'

/** A calm placeholder that says what is (not) here and what to do next. */
export function EmptyState({
  icon,
  title,
  children,
  headingLevel = 2,
}: {
  readonly icon?: ReactNode
  readonly title: string
  readonly children?: ReactNode
  readonly headingLevel?: 2 | 3
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3'
  return (
    <div className="empty-state">
      {icon && (
        <div className="empty-state__icon" aria-hidden="true">
          {icon}
        </div>
      )}
      <Heading className="empty-state__title">{title}</Heading>
      {children && <div className="empty-state__body">{children}</div>}
    </div>
  )
}
