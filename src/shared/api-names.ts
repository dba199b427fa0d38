// The method and event names of ParacordApi with no runtime dependencies, for the sandboxed
// preload, which must stay tiny. `satisfies` makes a missing, extra or renamed name a compile
// error here and at every user.
import type { ApiEventName, ApiMethodName } from './api'

export const API_METHOD_NAMES = {
  getAuthState: true,
  register: true,
  login: true,
  unlock: true,
  lock: true,
  logout: true,
  changePassword: true,
  deleteAccount: true,
  touch: true,
  getBackendOptions: true,
  checkBackend: true,
  getProfile: true,
  updateProfile: true,
  getSettings: true,
  updateSettings: true,
  listServers: true,
  getServer: true,
  createServer: true,
  renameServer: true,
  leaveServer: true,
  createChannel: true,
  updateChannel: true,
  deleteChannel: true,
  createInvite: true,
  listInvites: true,
  revokeInvite: true,
  joinByInvite: true,
  removeMember: true,
  setRole: true,
  listMessages: true,
  sendMessage: true,
  editMessage: true,
  deleteMessage: true,
  markRead: true,
  getSafetyNumber: true,
  acceptKeyChange: true,
  getConnectionState: true,
  getIceServers: true,
  getVoiceState: true,
  joinVoice: true,
  leaveVoice: true,
  sendVoiceSignal: true,
} as const satisfies Record<ApiMethodName, true>

export const API_EVENT_NAMES = {
  authChanged: true,
  serversChanged: true,
  serverChanged: true,
  serverRemoved: true,
  messagesChanged: true,
  messagesBurned: true,
  messagesDeleted: true,
  connectionChanged: true,
  keyChanged: true,
  spineRejected: true,
  voiceParticipants: true,
  voiceSignal: true,
  voiceEnded: true,
} as const satisfies Record<ApiEventName, true>

// The reverse direction: every contract name must be listed above.
type MissingMethods = Exclude<ApiMethodName, keyof typeof API_METHOD_NAMES>
type MissingEvents = Exclude<ApiEventName, keyof typeof API_EVENT_NAMES>
const _complete: [MissingMethods, MissingEvents] extends [never, never] ? true : never = true
void _complete
