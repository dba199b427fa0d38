// What is wrong with a channel name before the core is asked: nothing typed, too long (said
// out loud, never cut), or the name of another channel of the same server.
import { NAME_MAX_CHARS, type ChannelInfo } from '../../../../shared/api'
import { charCount } from '../../components/char-count'

/** Names compare as a person reads them: "General" and "general " are the same channel. */
function sameName(a: string, b: string): boolean {
  return a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase()
}

/** The problem with `name`, or null; `exceptId` is the channel being renamed. */
export function channelNameProblem(
  name: string,
  channels: readonly ChannelInfo[],
  exceptId: string | null = null,
): string | null {
  const trimmed = name.trim()
  if (trimmed === '') return 'Give the channel a name.'
  const length = charCount(trimmed)
  if (length > NAME_MAX_CHARS)
    return `Channel names can be up to ${NAME_MAX_CHARS} characters; this one has ${length}.`
  const taken = channels.find(
    (channel) => channel.id !== exceptId && sameName(channel.name, trimmed),
  )
  if (taken) return `This server already has a channel called “${taken.name}”. Choose another name.`
  return null
}
