#!/usr/bin/env node
'use strict';
// The `labelwise` command line. The bundle is built by `npm ci` (prepare) or `npm run build`.
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  console.error(`labelwise: ${bundle} is missing; run "npm run build" in ${path.dirname(__dirname)} first.`);
  process.exit(2);
}
require(bundle).main(process.argv.slice(2)).then(
  (code) => process.exit(code ?? 0),
  (err) => {
    console.error(`labelwise: ${err && err.message ? err.message : err}`);
    process.exit(1);
  },
);
