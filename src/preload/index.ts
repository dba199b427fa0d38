// The preload exposes ParacordApi as window.paracord (one function per method of the contract,
// each a single IPC call, and one typed event subscription) and the desktop shell's own
// contract (updates, opened invites) as window.paracordDesktop; nothing else. expose.ts builds both.
import { contextBridge, ipcRenderer } from 'electron'
import { createExposedApi, createExposedDesktopApi } from './expose'

contextBridge.exposeInMainWorld('paracord', createExposedApi(ipcRenderer))
contextBridge.exposeInMainWorld('paracordDesktop', createExposedDesktopApi(ipcRenderer))
