#!/usr/bin/env bash
# The whole test suite, on a fresh machine too: installs what the tests need (npm packages, FTP servers
# from Debian's packages, Node 24 + code-server + Chromium for the real VS Code), builds, then runs unit,
# integration and end-to-end tests. Lint (ESLint, eslint.config.mjs) is a step of its own: its errors fail the
# run, and the tests still run. Prints one closing line: "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

step() { printf '\n=== %s\n' "$*"; }

step "npm packages"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund || exit 1
fi

status=0
step "lint (npm run lint)"
lint="passed"
npm run --silent lint || { lint="FAILED (errors above)"; status=1; }

step "FTP servers"
bash scripts/install-servers.sh || exit 1

step "network lab (nftables, iproute2)"
bash scripts/install-network-lab.sh || exit 1

step "real VS Code (code-server, Chromium)"
bash scripts/setup-vscode.sh || exit 1

step "build and package"
npm run --silent package || exit 1   # builds out/ and dist/ first

results=$(mktemp -d)
run_suite() {
  local name=$1; shift
  step "$name tests"
  npx mocha --config .mocharc.json --reporter spec "$@" 2>&1 | tee "$results/$name.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
}

run_suite unit 'out/test/unit/**/*.test.js'
run_suite integration --timeout 120000 'out/test/integration/**/*.test.js'
run_suite network --timeout 120000 'out/test/network/**/*.test.js'
run_suite e2e --timeout 300000 --ignore 'out/test/e2e/host/**' 'out/test/e2e/**/*.test.js'

passed=0; failed=0; skipped=0
for f in "$results"/*.log; do
  p=$(grep -oE '^ +[0-9]+ passing' "$f" | grep -oE '[0-9]+' | tail -1); passed=$((passed + ${p:-0}))
  x=$(grep -oE '^ +[0-9]+ failing' "$f" | grep -oE '[0-9]+' | tail -1); failed=$((failed + ${x:-0}))
  s=$(grep -oE '^ +[0-9]+ pending' "$f" | grep -oE '[0-9]+' | tail -1); skipped=$((skipped + ${s:-0}))
done
# Each suite's failures (mocha's summary after "N failing") again here, at the end, where a CI log shown only by its
# tail still names them: the unit and integration suites print theirs long before the end.
for f in "$results"/*.log; do
  if grep -qE '^ +[0-9]+ failing' "$f"; then
    echo
    echo "=== failures in the $(basename "$f" .log) tests"
    sed -n '/^ \+[0-9]\+ failing/,$p' "$f" | head -n 120
  fi
done
rm -rf "$results"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo
echo "lint: $lint"
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
