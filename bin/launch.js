// Runs one of the compiled programs in out/node. In a source checkout (build/ and src/ beside
// it) it first rebuilds them if a source changed since, so they never run old code.
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** @param {string} name the entry in out/node */
export async function launch(name) {
  const checkout = fileURLToPath(new URL('../build/node-build.mjs', import.meta.url))
  if (existsSync(checkout) && existsSync(fileURLToPath(new URL('../src', import.meta.url)))) {
    const { buildNodeIfStale } = await import(pathToFileURL(checkout).href)
    await buildNodeIfStale().catch((error) =>
      process.stderr.write(
        `${name}: could not rebuild out/node (${error.message}); using the last build\n`,
      ),
    )
  }
  const entry = fileURLToPath(new URL(`../out/node/${name}.js`, import.meta.url))
  if (!existsSync(entry)) {
    process.stderr.write(
      `${name}: not built yet: run \`npm run build:node\` in the paracord folder\n`,
    )
    process.exit(2)
  }
  await import(pathToFileURL(entry).href)
}
