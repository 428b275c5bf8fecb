#!/usr/bin/env node
// Entry point of the `dynapruner` CLI: the bundled build of src/cli/main.ts.
require('../dist/cli.js');
