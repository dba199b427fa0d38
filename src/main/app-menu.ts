// Installs the native menu from policy/menu.ts, rebuilt when "remember me" changes.
import { app, Menu, type MenuItemConstructorOptions } from 'electron'
import { applicationMenu, type MenuOptions } from './policy/menu'

export function installApplicationMenu(options: Omit<MenuOptions, 'platform' | 'appName'>): void {
  const template = applicationMenu({ ...options, platform: process.platform, appName: app.name })
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(template as unknown as MenuItemConstructorOptions[]),
  )
}
