// Each server's answer to "call directly?" (asked when calls must be relayed and the server
// offers no relay), kept in the settings: in the vault, so it follows the account and stays
// sealed like the rest of it.
import { useSettings } from '../../store/settings'
import type { DirectCallChoices } from './call-deps'

export const settingsDirectCalls: DirectCallChoices = {
  get: (serverId) => useSettings.getState().settings?.directCalls?.[serverId],
  remember: async (serverId, direct) => {
    const known = useSettings.getState().settings?.directCalls ?? {}
    const outcome = await useSettings
      .getState()
      .updateSettings({ directCalls: { ...known, [serverId]: direct } })
    if (!outcome.ok) throw new Error(outcome.error)
  },
}
