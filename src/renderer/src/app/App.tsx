// The app shell: starts the session, applies the theme, and shows the screen the auth state
// calls for.
import { useEffect, useState } from 'react'
import { Button } from '../components/Button'
import { LoginScreen, RegisterScreen, UnlockScreen } from '../features/auth/AuthScreens'
import { useAuth } from '../store/auth'
import { startClock } from '../store/clock'
import { retryStart, startSession } from '../store/session'
import { useSettings } from '../store/settings'
import { useActivityTouch } from './activity'
import { DialogHost } from './DialogHost'
import { MainView } from './MainView'
import { Notices } from './Notices'
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

function SignedOut() {
  const [mode, setMode] = useState<'login' | 'register'>('register')
  const clearError = useAuth((state) => state.clearError)
  function switchTo(next: 'login' | 'register') {
    clearError()
    setMode(next)
  }
  return mode === 'register' ? (
    <RegisterScreen onLogIn={() => switchTo('login')} />
  ) : (
    <LoginScreen onRegister={() => switchTo('register')} />
  )
}

export function App() {
  const phase = useAuth((state) => state.phase)
  useTheme()
  useGlobalShortcuts(phase === 'unlocked')
  useActivityTouch(phase === 'unlocked')

  useEffect(() => {
    void startSession()
    return startClock()
  }, [])

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
    </>
  )
}
