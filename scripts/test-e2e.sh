#!/usr/bin/env bash
# Real-VS-Code tests: installs/checks code-server + Chromium (cached), compiles test/e2e, runs mocha
# over out/test/e2e/**/*.test.js (not the in-host files under out/test/e2e/host/, which run inside
# the extension host). Extra arguments go to mocha, e.g.  bash scripts/test-e2e.sh --grep UI
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup-vscode.sh
npx tsc -p test/e2e
mapfile -t files < <(find out/test/e2e -name '*.test.js' -not -path 'out/test/e2e/host/*' | sort)
[ ${#files[@]} -gt 0 ] || { echo "test-e2e: no *.test.js in out/test/e2e (outside host/)" >&2; exit 1; }
exec npx mocha --config .mocharc.json --timeout 300000 "${files[@]}" "$@"
