#!/usr/bin/env node
// The command-line client, run from TypeScript directly: tsx compiles on load, no build step.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
