#!/usr/bin/env node
// The blind store backend, compiled by `npm run build:node` (run on `npm install`) to out/node.
import { launch } from './launch.js'

await launch('paracord-server')
