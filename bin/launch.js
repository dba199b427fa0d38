// Runs one of the compiled programs in out/node, or says plainly how to build it.
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** @param {string} name the entry in out/node */
export async function launch(name) {
  const entry = fileURLToPath(new URL(`../out/node/${name}.js`, import.meta.url))
  if (!existsSync(entry)) {
    process.stderr.write(
      `${name}: not built yet: run \`npm run build:node\` in the paracord folder\n`,
    )
    process.exit(2)
  }
  await import(pathToFileURL(entry).href)
}
