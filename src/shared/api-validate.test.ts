import { describe, expect, it } from 'vitest'
import { API_INPUTS, API_METHODS, ParacordError } from './api'
import { isApiMethod, validateApiInput } from './api-validate'

describe('validateApiInput', () => {
  it('accepts a well-formed input and returns it unchanged', () => {
    const input = { name: 'alice', password: 'correct horse' }
    expect(validateApiInput('register', input)).toBe(input)
  })

  it('rejects extra properties, wrong types and out-of-range values with invalid_input', () => {
    const bad: [string, unknown][] = [
      ['register', { name: 'alice', password: 'x', admin: true }],
      ['register', { name: 'a', password: 'x' }],
      [
        'createChannel',
        { serverId: 'A'.repeat(22), name: 'general', kind: 'text', burnSeconds: 4 },
      ],
      [
        'createChannel',
        { serverId: 'A'.repeat(22), name: 'general', kind: 'video', burnSeconds: 60 },
      ],
      ['sendMessage', { serverId: 'A'.repeat(22), channelId: 'B'.repeat(22), text: '' }],
      ['listServers', null],
    ]
    for (const [method, input] of bad) {
      expect(() => validateApiInput(method as never, input)).toThrow(ParacordError)
      try {
        validateApiInput(method as never, input)
      } catch (error) {
        expect((error as ParacordError).code).toBe('invalid_input')
        expect((error as ParacordError).message).toContain(method)
      }
    }
  })

  it('knows exactly the contract methods', () => {
    expect(API_METHODS).toEqual(Object.keys(API_INPUTS))
    expect(isApiMethod('sendMessage')).toBe(true)
    expect(isApiMethod('constructor')).toBe(false)
    expect(isApiMethod('__proto__')).toBe(false)
  })
})

describe('the answers to "call directly?"', () => {
  const server = 'A'.repeat(22)

  it('are booleans by server id', () => {
    const input = { directCalls: { [server]: true } }
    expect(validateApiInput('updateSettings', input)).toBe(input)
  })

  it.each([
    [{ directCalls: { 'not an id': true } }, /directCalls/],
    [{ directCalls: { [server]: 'yes' } }, /directCalls\.A+ must be boolean/],
    [
      {
        directCalls: Object.fromEntries(
          Array.from({ length: 1001 }, (_, i) => [`${server}${i}`, true]),
        ),
      },
      /directCalls must not have more than 1000 properties/,
    ],
  ])('refuse %#: a bad id, a non-boolean, too many', (input, reason) => {
    expect(() => validateApiInput('updateSettings', input)).toThrow(ParacordError)
    expect(() => validateApiInput('updateSettings', input)).toThrow(reason)
  })
})

describe('names', () => {
  it('refuses control characters in names, so a name cannot fake extra lines', () => {
    expect(() => validateApiInput('createServer', { name: 'ok\nadmin: yes' })).toThrow(/name/)
    expect(validateApiInput('createServer', { name: 'Book club 📚' })).toEqual({
      name: 'Book club 📚',
    })
  })

  it('says which character a name or status may not carry, not the pattern', () => {
    expect(() => validateApiInput('createServer', { name: 'evil\u202Etxt.exe' })).toThrow(
      'createServer: name contains U+202E, a direction control, which can reorder the text around it',
    )
    expect(() =>
      validateApiInput('updateProfile', { displayName: 'bob', status: 'away\u200B' }),
    ).toThrow('updateProfile: status contains U+200B, an invisible character')
  })
})
