// The core's constants as the page gets them: build/web/js/constants.js, written by
// scripts/bundle_web.js from the built module's constants(). The page loads it before its other
// scripts; under Node this helper does the same: it sets globalThis.PE.constants, which
// web/js/protocol.js reads when it is required. Require it before any script of web/js/.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const FILE = path.resolve(__dirname, '..', '..', 'build', 'web', 'js', 'constants.js');
if (!fs.existsSync(FILE)) {
  throw new Error(FILE + ' is missing: it is made from the built module. Run scripts/build.sh page (or scripts/build.sh) first.');
}
const constants = require(FILE);
globalThis.PE = Object.assign(globalThis.PE || {}, { constants });

module.exports = { FILE, constants };
