# Sourced by the other scripts: puts a Node >= 22 first on PATH.
# Uses the machine's node when it is new enough; otherwise installs Node 22
# from the npm registry into .tools/node22 (the `node` package ships the real
# binary) so that npm, Hardhat and EDR's native binding all run under it.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/node22"
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ -x "$tools/node_modules/.bin/node" ]; then
  export PATH="$tools/node_modules/.bin:$PATH"
elif command -v node >/dev/null 2>&1 && [ "$(node_major node)" -ge 22 ]; then
  :
else
  if [ "${LCORE_NO_INSTALL:-}" = "1" ]; then
    echo "error: Node >= 22 is required; run 'npm run setup' first" >&2
    exit 1
  fi
  echo "==> Node $(node --version 2>/dev/null || echo none) is too old for Hardhat 3; installing Node 22 from the npm registry into .tools/node22" >&2
  mkdir -p "$tools"
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$tools" node@22 >&2 || {
    echo "error: could not install Node 22 from the npm registry (npm install node@22)" >&2
    exit 1
  }
  export PATH="$tools/node_modules/.bin:$PATH"
fi
export PATH="$root/node_modules/.bin:$PATH"
