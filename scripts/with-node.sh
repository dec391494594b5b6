#!/usr/bin/env bash
# Runs a command (hardhat, tsc, node, ...) under Node >= 24 with the project's
# node_modules/.bin on PATH. `npm run <script>` works under any Node because the
# scripts go through here.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-runtime.sh"
if [ ! -d "$root/node_modules/hardhat" ]; then
  echo "error: packages are not installed; run 'npm run setup' first" >&2
  exit 1
fi
cd "$root"
exec "$@"
