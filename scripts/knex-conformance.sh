#!/usr/bin/env bash
# Regenerates the knex API list (from knex's own types, tests/node/knex-api.js) and docs/knex-conformance.md (real knex
# on a throwaway PostgreSQL, compared with migaudit's replay: tests/MigAudit.Tests/Conformance).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d tests/node/node_modules ] || npm ci --prefix tests/node --no-audit --no-fund
node tests/node/knex-api.js > tests/MigAudit.Tests/Conformance/knex-api.json
MIGAUDIT_WRITE_CONFORMANCE=1 dotnet test tests/MigAudit.Tests --filter "FullyQualifiedName~KnexConformanceTests"
