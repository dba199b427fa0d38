// Builds MessageInfo values for tests of the message helpers and slices.
import type { MessageInfo } from '../../../shared/api'

let counter = 0

export function makeMessage(fields: Partial<MessageInfo> = {}): MessageInfo {
  counter += 1
  const sentAt = fields.sentAt ?? Date.UTC(2025, 2, 14, 12, 0, 0)
  return {
    id: `message-${String(counter).padStart(12, '0')}`,
    serverId: 'server-aaaaaaaaaaaaaaaa',
    channelId: 'channel-aaaaaaaaaaaaaaa',
    authorId: 'user-alice-aaaaaaaaaa',
    authorName: 'Alice',
    text: `message ${counter}`,
    sentAt,
    editedAt: null,
    burnAt: sentAt + 86_400_000,
    delivery: 'sent',
    seq: counter,
    ...fields,
  }
}
