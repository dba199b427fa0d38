import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openRendererFolder, type RendererFolder } from './renderer-folder'

describe('openRendererFolder', () => {
  let dir: string
  let folder: RendererFolder

  beforeAll(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'paracord-folder-')))
    const root = join(dir, 'renderer')
    await mkdir(join(root, 'assets'), { recursive: true })
    await writeFile(join(root, 'index.html'), 'index')
    await writeFile(join(root, 'assets', 'app.js'), 'app')
    await writeFile(join(dir, 'secret.txt'), 'outside')
    // A sibling whose name starts with the root's: a plain prefix check would let it through.
    await mkdir(join(dir, 'renderer-evil'))
    await writeFile(join(dir, 'renderer-evil', 'x.js'), 'evil')
    await symlink(join(root, 'assets', 'app.js'), join(root, 'alias.js'))
    await symlink(join(dir, 'secret.txt'), join(root, 'assets', 'leak.txt'))
    await symlink(join(dir, 'renderer-evil'), join(root, 'linked-dir'))
    await symlink(join(dir, 'nowhere'), join(root, 'dangling.js'))
    // The folder itself may be reached through a link: it is resolved once.
    await symlink(root, join(dir, 'current'))
    folder = await openRendererFolder(join(dir, 'current'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('resolves the folder itself', () => {
    expect(folder.root).toBe(join(dir, 'renderer'))
  })

  it('finds regular files inside, through links that stay inside', async () => {
    expect(await folder.fileInside('index.html')).toBe(join(folder.root, 'index.html'))
    expect(await folder.fileInside('assets/app.js')).toBe(join(folder.root, 'assets', 'app.js'))
    expect(await folder.fileInside('alias.js')).toBe(join(folder.root, 'assets', 'app.js'))
  })

  it.each([
    ['a link to a file outside', 'assets/leak.txt'],
    ['a link to a folder outside', 'linked-dir/x.js'],
    ['a dangling link', 'dangling.js'],
    ['a folder', 'assets'],
    ['a missing file', 'assets/missing.js'],
    ['the sibling with the same prefix', '../renderer-evil/x.js'],
  ])('refuses %s', async (_, relative) => {
    expect(await folder.fileInside(relative)).toBeNull()
  })
})
