#!/usr/bin/env bash
# Installs the real FTP servers the integration tests run on loopback (see test/servers/).
#
#   vsftpd, python3-pyftpdlib (+ python3-openssl for FTPS), openssl, iproute2, util-linux (unshare)
#       -> apt-get install (system-wide)
#   pure-ftpd, proftpd-core, proftpd-mod-crypto (mod_tls) (+ the libs proftpd needs that the system lacks)
#       -> conflict with vsftpd as packages (all provide ftp-server), so they are
#          `apt-get download`ed and `dpkg -x`ed into .cache/servers/root/ of this project.
#   ftp-srv is a devDependency (node_modules), nothing to do here.
#
# Idempotent and non-interactive; run as root. Exits at once when everything is there.
# Never leaves vsftpd's system service running on port 21.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${FTP_SERVERS_CACHE:-$PROJECT_DIR/.cache/servers}"
ROOTFS="$CACHE/root"           # where the .deb files are extracted
DEBS="$CACHE/debs"
STAMP="$CACHE/installed.stamp"

APT_PKGS=(vsftpd python3-pyftpdlib python3-openssl openssl iproute2 util-linux)
EXTRACT_PKGS=(pure-ftpd proftpd-core proftpd-mod-crypto)   # proftpd-mod-crypto: mod_tls.so
# Shared libraries proftpd-core links that a fresh Debian 12 lacks. Only those not installed
# system-wide are extracted; ldd below proves nothing is missing.
EXTRACT_LIBS=(libhiredis0.14 libmemcached11 libmemcachedutil2 libhashkit2 libpcre2-posix3 libsodium23)

log() { printf '[install-servers] %s\n' "$*" >&2; }

pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# ldd over the extracted binaries; prints the missing libraries (empty when all resolve).
missing_libs() {
  local f
  for f in "$ROOTFS/usr/sbin/pure-ftpd" "$ROOTFS/usr/bin/pure-pw" "$ROOTFS/usr/sbin/proftpd" "$ROOTFS"/usr/lib/proftpd/mod_*.so; do
    [ -e "$f" ] || { echo "(file missing: $f)"; continue; }
    LD_LIBRARY_PATH="$ROOTFS/usr/lib/x86_64-linux-gnu:$ROOTFS/lib/x86_64-linux-gnu:$ROOTFS/usr/lib/proftpd" \
      ldd "$f" 2>/dev/null | awk '/not found/ {print $1}'
  done | sort -u
}

all_there() {
  local p
  for p in "${APT_PKGS[@]}"; do pkg_installed "$p" || return 1; done
  [ -x /usr/sbin/vsftpd ] || return 1
  [ -f "$STAMP" ] || return 1
  [ -x "$ROOTFS/usr/sbin/pure-ftpd" ] && [ -x "$ROOTFS/usr/bin/pure-pw" ] && [ -x "$ROOTFS/usr/sbin/proftpd" ] || return 1
  [ -f "$ROOTFS/usr/lib/proftpd/mod_tls.so" ] || return 1
  [ -z "$(missing_libs)" ] || return 1
  return 0
}

# Stop vsftpd's system service if something (apt, an init script) started it: the tests run
# their own vsftpd processes and port 21 must stay free. Tolerates machines without systemd.
stop_system_vsftpd() {
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl stop vsftpd.service >/dev/null 2>&1 || true
    systemctl disable vsftpd.service >/dev/null 2>&1 || true
  fi
  if [ -x /etc/init.d/vsftpd ]; then
    /etc/init.d/vsftpd stop >/dev/null 2>&1 || true
  fi
  if command -v update-rc.d >/dev/null 2>&1 && [ -e /etc/init.d/vsftpd ]; then
    update-rc.d vsftpd disable >/dev/null 2>&1 || true
  fi
  # A daemon started from the packaged config (/etc/vsftpd.conf, port 21), not one of ours.
  local pid
  for pid in $(pgrep -x vsftpd 2>/dev/null || true); do
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE '^/usr/sbin/vsftpd( /etc/vsftpd.conf)? *$'; then
      log "killing system vsftpd (pid $pid)"
      kill "$pid" 2>/dev/null || true
    fi
  done
}

if [ "$(id -u)" != 0 ]; then
  log "must run as root"; exit 1
fi

if all_there; then
  stop_system_vsftpd
  log "already installed (apt: ${APT_PKGS[*]}; extracted in $ROOTFS)"
  exit 0
fi

# --- apt packages ---------------------------------------------------------------------------
need=()
for p in "${APT_PKGS[@]}"; do pkg_installed "$p" || need+=("$p"); done
if [ "${#need[@]}" -gt 0 ]; then
  # Keep apt from starting vsftpd on port 21: a policy-rc.d answering 101 ("action forbidden")
  # while we install, unless the machine already has one.
  POLICY=/usr/sbin/policy-rc.d
  added_policy=0
  if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$POLICY"; chmod 755 "$POLICY"; added_policy=1
  fi
  trap '[ "$added_policy" = 1 ] && rm -f "$POLICY"' EXIT
  log "apt-get install ${need[*]}"
  apt-get update -q >/dev/null || { log "apt-get update failed"; exit 1; }
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
  if [ "$added_policy" = 1 ]; then rm -f "$POLICY"; added_policy=0; fi
  trap - EXIT
fi
stop_system_vsftpd

# --- extracted packages ---------------------------------------------------------------------
to_extract=("${EXTRACT_PKGS[@]}")
for p in "${EXTRACT_LIBS[@]}"; do pkg_installed "$p" || to_extract+=("$p"); done
mkdir -p "$DEBS" "$ROOTFS"
(
  cd "$DEBS"
  for p in "${to_extract[@]}"; do
    if ! ls "${p}"_*.deb >/dev/null 2>&1; then
      log "apt-get download $p"
      apt-get download -q "$p" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get download -q "$p" >/dev/null; }
    fi
  done
)
for p in "${to_extract[@]}"; do
  deb=$(ls "$DEBS/${p}"_*.deb | head -n1)
  dpkg -x "$deb" "$ROOTFS"
done

missing="$(missing_libs)"
if [ -n "$missing" ]; then
  log "still missing after extraction: $missing"; exit 1
fi
date -u +%FT%TZ >"$STAMP"
log "done: vsftpd $(dpkg-query -W -f='${Version}' vsftpd), pyftpdlib $(dpkg-query -W -f='${Version}' python3-pyftpdlib), pure-ftpd and proftpd in $ROOTFS"
