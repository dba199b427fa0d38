import { describe, expect, it } from 'vitest'
import { DEFAULT_DATA_DIR, parseWebHostArgs, WebHostOptionsError } from './options'

const parse = (argv: string[], env: Record<string, string> = {}) => {
  const parsed = parseWebHostArgs(argv, env, '/home/ada')
  if (parsed.help) throw new Error('unexpected help')
  return parsed.options
}

describe('web host options', () => {
  it('defaults to a data folder under ./data, a local server and a free port', () => {
    expect(parse([])).toEqual({
      dataDir: `/home/ada/${DEFAULT_DATA_DIR.slice(2)}`,
      serverUrl: null,
      port: 0,
    })
  })

  it('reads flags, and the environment when a flag is absent', () => {
    expect(
      parse(['--data', './alice', '--server', 'http://127.0.0.1:9000/', '--port', '5173']),
    ).toEqual({ dataDir: '/home/ada/alice', serverUrl: 'http://127.0.0.1:9000', port: 5173 })
    expect(
      parse([], { PARACORD_DATA: '/srv/bob', PARACORD_SERVER: 'https://chat.example.org' }),
    ).toEqual({ dataDir: '/srv/bob', serverUrl: 'https://chat.example.org', port: 0 })
    expect(parse(['--data', 'carol'], { PARACORD_DATA: '/srv/bob' }).dataDir).toBe(
      '/home/ada/carol',
    )
  })

  it('answers --help', () => {
    expect(parseWebHostArgs(['--help'], {}, '/')).toEqual({ help: true })
  })

  it.each([
    [['--port', 'eighty']],
    [['--port', '70000']],
    [['--port', '-1']],
    [['--server', 'not a url']],
    [['--server', 'ftp://127.0.0.1']],
    [['--data', '']],
    [['--unknown']],
    [['positional']],
  ])('refuses %j with a clear error', (argv) => {
    expect(() => parseWebHostArgs(argv, {}, '/')).toThrow(WebHostOptionsError)
  })
})
