import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import './styles/emoji.css'
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
