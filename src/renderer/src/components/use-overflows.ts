import { useLayoutEffect, useState, type RefObject } from 'react'

/**
 * Whether a scroll box's content is taller than the box (so part of it is scrolled out of
 * sight), kept current as the box (the window) or the content (a section opening) resizes.
 */
export function useOverflows(
  box: RefObject<HTMLElement | null>,
  content: RefObject<HTMLElement | null>,
): boolean {
  const [overflows, setOverflows] = useState(false)
  useLayoutEffect(() => {
    const boxElement = box.current
    const contentElement = content.current
    if (!boxElement || !contentElement) return
    // A pixel of slack: heights are fractional, scrollHeight and clientHeight are rounded.
    const measure = () => setOverflows(boxElement.scrollHeight > boxElement.clientHeight + 1)
    measure()
    if (typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(measure)
    observer.observe(boxElement)
    observer.observe(contentElement)
    return () => observer.disconnect()
  }, [box, content])
  return overflows
}
