#!/usr/bin/env bash
# Sets up a fresh machine and runs every check: the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
npm run typecheck
npm run build:node
npm test
