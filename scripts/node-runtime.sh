# Sourced by the other scripts: puts Node >= 24 first on PATH.
# Node 24 is the first release whose V8 ships JSPI (WebAssembly.Suspending /
# WebAssembly.promising) without a flag; the Stylus runtime uses it so that a
# program's host calls can await the EVM (calls out, creates, state reads).
# Uses the machine's node when it is new enough; otherwise installs Node 24
# from the npm registry into .tools/node24 (the `node` package ships the real
# binary) so that npm, Hardhat and EDR's native binding all run under it.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/node24"
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ -x "$tools/node_modules/.bin/node" ]; then
  export PATH="$tools/node_modules/.bin:$PATH"
elif command -v node >/dev/null 2>&1 && [ "$(node_major node)" -ge 24 ]; then
  :
else
  if [ "${LCORE_NO_INSTALL:-}" = "1" ]; then
    echo "error: Node >= 24 is required; run 'npm run setup' first" >&2
    exit 1
  fi
  echo "==> Node $(node --version 2>/dev/null || echo none) is older than 24 (JSPI for the Stylus runtime); installing Node 24 from the npm registry into .tools/node24" >&2
  mkdir -p "$tools"
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$tools" node@24 >&2 || {
    echo "error: could not install Node 24 from the npm registry (npm install node@24)" >&2
    exit 1
  }
  export PATH="$tools/node_modules/.bin:$PATH"
fi
export PATH="$root/node_modules/.bin:$PATH"
