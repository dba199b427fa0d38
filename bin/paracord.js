#!/usr/bin/env node
// The command-line client, compiled by `npm run build:node` (run on `npm install`) to out/node.
import { launch } from './launch.js'

await launch('paracord')
