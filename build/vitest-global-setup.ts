// Tests that start `paracord-server` or `paracord` run the compiled programs (what `npm install`
// ships), so a test run first compiles them when any source is newer than the last build.
import { buildNodeIfStale } from './node-build.mjs'

export default async function setup(): Promise<void> {
  await buildNodeIfStale()
}
