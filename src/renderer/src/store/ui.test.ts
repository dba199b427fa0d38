import { beforeEach, describe, expect, it } from 'vitest'
import { MAX_NOTICES, useUi } from './ui'

describe('useUi', () => {
  beforeEach(() => useUi.getState().reset())

  it('keeps a draft per channel and clears it when emptied', () => {
    const { setDraft } = useUi.getState()
    setDraft('s/general', 'half a thought')
    setDraft('s/random', 'another')
    expect(useUi.getState().drafts).toEqual({
      's/general': 'half a thought',
      's/random': 'another',
    })
    setDraft('s/general', '')
    expect(useUi.getState().drafts).toEqual({ 's/random': 'another' })
  })

  it('remembers the channel last open in each server', () => {
    useUi.getState().selectChannel('s1', 'c1')
    useUi.getState().selectChannel('s2', 'c9')
    expect(useUi.getState().selectedServerId).toBe('s2')
    expect(useUi.getState().channelByServer).toEqual({ s1: 'c1', s2: 'c9' })
  })

  it('forgets a server: its selection, drafts and open dialog go', () => {
    useUi.getState().selectChannel('s1', 'c1')
    useUi.getState().setDraft('s1/c1', 'draft')
    useUi.getState().setDraft('s2/c2', 'kept')
    useUi.getState().openDialog({ kind: 'invites', serverId: 's1' })
    useUi.getState().forgetServer('s1')
    const state = useUi.getState()
    expect(state.selectedServerId).toBeNull()
    expect(state.drafts).toEqual({ 's2/c2': 'kept' })
    expect(state.dialog).toBeNull()
  })

  it('keeps only the latest few notices', () => {
    for (let index = 0; index < MAX_NOTICES + 2; index += 1)
      useUi.getState().pushNotice('info', `n${index}`)
    const texts = useUi.getState().notices.map((notice) => notice.text)
    expect(texts).toHaveLength(MAX_NOTICES)
    expect(texts[texts.length - 1]).toBe(`n${MAX_NOTICES + 1}`)
    useUi.getState().dismissNotice(useUi.getState().notices[0]!.id)
    expect(useUi.getState().notices).toHaveLength(MAX_NOTICES - 1)
  })

  it('drops a focus request once the person opens a dialog, so closing it returns focus there', () => {
    useUi.getState().requestMainFocus()
    expect(useUi.getState().mainFocusPending).toBe(true)
    useUi.getState().openDialog({ kind: 'addServer' })
    expect(useUi.getState().mainFocusPending).toBe(false)
    // A request that arrives while a dialog is open is late: the person has moved on.
    useUi.getState().requestMainFocus()
    expect(useUi.getState().mainFocusPending).toBe(false)
  })

  it('stops editing when another channel opens', () => {
    useUi.getState().startEditing({ channelKey: 's/c', messageId: 'm' })
    useUi.getState().selectChannel('s', 'd')
    expect(useUi.getState().editing).toBeNull()
  })
})
