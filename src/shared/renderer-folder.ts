// The built renderer's folder on disk, for the two hosts that serve it (the desktop app's
// app:// protocol and the web host). renderer-files.ts checks a path lexically; this checks it
// again after resolving symlinks, so a link inside the folder cannot lead out of it.
// Node-only: the renderer's tsconfig does not include this file.
import { realpath, stat } from 'node:fs/promises'
import { join, sep } from 'node:path'

export interface RendererFolder {
  /** The folder's real path (symlinks resolved). */
  readonly root: string
  /**
   * The real path of the regular file `relative` names (a path from `safeRelativePath`), or
   * null when it is missing, not a file, or resolves to somewhere outside the folder.
   */
  fileInside(relative: string): Promise<string | null>
}

/** `dir` must exist; it is resolved once, here. */
export async function openRendererFolder(dir: string): Promise<RendererFolder> {
  const root = await realpath(dir)
  return {
    root,
    async fileInside(relative) {
      try {
        const real = await realpath(join(root, relative))
        if (!real.startsWith(root + sep)) return null
        return (await stat(real)).isFile() ? real : null
      } catch {
        return null
      }
    },
  }
}
