import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
// Colour emoji for systems without an emoji font of their own (the font stack in tokens.css
// reaches it last; unicode-range fetches only the files a page's emoji need).
import '@fontsource/noto-color-emoji'
import './styles/tokens.css'
import './styles/base.css'
import { App } from './app/App'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root')
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
