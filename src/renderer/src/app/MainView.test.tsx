// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useMessages } from '../store/messages'
import { emptyServers, useServers } from '../store/servers'
import { installApi } from '../store/test-api'
import { showServer } from '../store/test-servers'
import { useUi } from '../store/ui'
import { MainView } from './MainView'

/** happy-dom's own handle on its window (its types are not the renderer's). */
interface HappyDomWindow {
  readonly happyDOM: { setViewport(size: { width: number; height: number }): void }
}

/** happy-dom evaluates media queries against this size, as a browser window would. */
function windowSize(width: number, height: number) {
  act(() => (window as unknown as HappyDomWindow).happyDOM.setViewport({ width, height }))
}

const memberList = () => screen.queryByRole('complementary', { name: 'Members' })
const toggle = () => screen.getByRole('button', { name: 'Member list' })

beforeEach(() => {
  useServers.setState(emptyServers())
  useMessages.getState().reset()
  useUi.getState().reset()
  installApi({
    listMessages: vi.fn(() => Promise.resolve({ messages: [], hasOlder: false })),
  })
  showServer()
})
afterEach(() => {
  cleanup()
  windowSize(1024, 768)
})

describe('the member list', () => {
  it('at 800×600 is put away, and the header’s button opens and closes it', async () => {
    windowSize(800, 600)
    const user = userEvent.setup()
    render(<MainView />)

    expect(memberList()).toBeNull()
    expect(toggle().getAttribute('aria-pressed')).toBe('false')

    await user.click(toggle())
    expect(memberList()).not.toBeNull()
    expect(screen.getByRole('button', { name: /^bob,/ })).toBeTruthy()
    expect(toggle().getAttribute('aria-pressed')).toBe('true')

    // Esc inside the list puts it away again, with focus back on the button.
    screen.getByRole('button', { name: /^bob,/ }).focus()
    await user.keyboard('{Escape}')
    expect(memberList()).toBeNull()
    expect(document.activeElement).toBe(toggle())
  })

  it('at 1280×800 shows beside the messages, and the same button hides it', async () => {
    windowSize(1280, 800)
    const user = userEvent.setup()
    render(<MainView />)

    expect(memberList()).not.toBeNull()
    expect(toggle().getAttribute('aria-pressed')).toBe('true')
    await user.click(toggle())
    expect(memberList()).toBeNull()

    // Narrowing the window does not bring a list the person put away over the messages.
    windowSize(800, 600)
    expect(memberList()).toBeNull()
  })
})
