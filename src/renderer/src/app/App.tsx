// The app shell: starts the session, applies the theme, and shows the screen the auth state
// calls for.
import { useEffect } from 'react'
import { Button } from '../components/Button'
import { LoginScreen, RegisterScreen, UnlockScreen } from '../features/auth/AuthScreens'
import { useAuth } from '../store/auth'
import { followOpenedInvites } from '../store/invite-intake'
import { startClock } from '../store/clock'
import { retryStart, startSession } from '../store/session'
import { useSettings } from '../store/settings'
import { useActivityTouch } from './activity'
import { useReconnectProbe } from './reconnect-probe'
import { DialogHost } from './DialogHost'
import { MainView } from './MainView'
import { Notices } from './Notices'
import { UpdateBanner } from './UpdateBanner'
import { useGlobalShortcuts } from './shortcuts'
import './app.css'

function useTheme(): void {
  const theme = useSettings((state) => state.theme)
  useEffect(() => {
    document.documentElement.dataset.theme = theme
  }, [theme])
}

function Splash({ text }: { text: string }) {
  return (
    <main className="splash">
      <h1 className="splash__brand">
        <span aria-hidden="true">◈</span> paracord
      </h1>
      <p role="status">{text}</p>
    </main>
  )
}

function Unavailable() {
  const error = useAuth((state) => state.error)
  return (
    <main className="splash">
      <h1 className="splash__brand">paracord could not start</h1>
      <p role="alert">{error}</p>
      <Button variant="primary" onClick={() => void retryStart()}>
        Try again
      </Button>
    </main>
  )
}

/** The form is the store's, so a link can open it (useServerChoice's openWithServer). */
function SignedOut() {
  const screen = useAuth((state) => state.screen)
  const showScreen = useAuth((state) => state.showScreen)
  return screen === 'register' ? (
    <RegisterScreen onLogIn={() => showScreen('login')} />
  ) : (
    <LoginScreen onRegister={() => showScreen('register')} />
  )
}

export function App() {
  const phase = useAuth((state) => state.phase)
  useTheme()
  useGlobalShortcuts(phase === 'unlocked')
  useActivityTouch(phase === 'unlocked')
  useReconnectProbe(phase === 'unlocked')

  useEffect(() => {
    void startSession()
    return startClock()
  }, [])
  // Desktop: invite links opened from outside while no one is signed in.
  useEffect(() => followOpenedInvites(window.paracordDesktop), [])

  return (
    <>
      {phase === 'starting' && <Splash text="Starting paracord…" />}
      {phase === 'unavailable' && <Unavailable />}
      {phase === 'signed_out' && <SignedOut />}
      {phase === 'locked' && <UnlockScreen />}
      {phase === 'unlocked' && (
        <>
          <MainView />
          <DialogHost />
        </>
      )}
      <Notices />
      <UpdateBanner />
    </>
  )
}
