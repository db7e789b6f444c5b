#!/usr/bin/env node
// The bundled CLI (scripts/build.js): a few files to load instead of ~140, which is most of a cold start.
import { main } from '../dist/cli/cli.js';

main(process.argv.slice(2));
