#!/usr/bin/env node
// pre-commit's node hook (.pre-commit-hooks.yaml, language: node): pre-commit installs this repository's root
// package.json into a private environment, which brings in the migaudit npm package (the launcher and this platform's
// binary). npm links only the installed package's own bins, so this one hands over to the launcher (which runs
// itself only as the main module: a required launcher waits to be told).
"use strict";
require("migaudit/bin/migaudit.js").main();
