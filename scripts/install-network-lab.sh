#!/usr/bin/env bash
# Installs what the network-namespace tests (test/network/) need: nftables (`nft`) and iproute2 (`ip netns`,
# veth pairs), plus the FTP servers of test/servers (vsftpd is the one the network tests run).
#
# Idempotent and non-interactive; run as root. Exits at once when everything is there.
# Touches no network configuration of the machine: the tests make their own namespaces.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APT_PKGS=(nftables iproute2)

log() { printf '[install-network-lab] %s\n' "$*" >&2; }
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

if [ "$(id -u)" != 0 ]; then
  log "must run as root"; exit 1
fi

need=()
for p in "${APT_PKGS[@]}"; do pkg_installed "$p" || need+=("$p"); done
if [ "${#need[@]}" -gt 0 ]; then
  log "apt-get install ${need[*]}"
  apt-get update -q >/dev/null || { log "apt-get update failed"; exit 1; }
  # nftables' package ships a service that loads /etc/nftables.conf; never let apt start it here.
  POLICY=/usr/sbin/policy-rc.d
  added_policy=0
  if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$POLICY"; chmod 755 "$POLICY"; added_policy=1
  fi
  trap '[ "$added_policy" = 1 ] && rm -f "$POLICY"' EXIT
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
  if [ "$added_policy" = 1 ]; then rm -f "$POLICY"; added_policy=0; fi
  trap - EXIT
fi
command -v nft >/dev/null || { log "nft missing after install"; exit 1; }
command -v ip >/dev/null || { log "ip missing after install"; exit 1; }

bash "$PROJECT_DIR/scripts/install-servers.sh"
log "ready: $(nft --version 2>/dev/null), $(ip -V 2>/dev/null)"
