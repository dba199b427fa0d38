#!/usr/bin/env node
// Runs the TypeScript server directly: tsx compiles on load, no build step.
import { register } from 'tsx/esm/api'

register()
await import('../src/server/cli.ts')
