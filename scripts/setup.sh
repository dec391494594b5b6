#!/usr/bin/env bash
# One-time set-up on a fresh machine: Node 24 (from the npm registry when the
# machine's node is older) and the npm packages installed *under Node 24*, so
# that npm does not skip EDR's native binding (Hardhat error HHE27).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-runtime.sh"
cd "$root"
echo "==> node $(node --version), npm $(npm --version)"
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
node -e 'require("better-sqlite3")' 2>/dev/null || node --input-type=module -e 'await import("better-sqlite3")'
echo "==> set-up done: 'npm run stress' runs the main job, 'npm test' runs the tests"
