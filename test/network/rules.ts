// The nftables rulesets of the scenarios (loaded with `nft -f -` inside one namespace each). Every rule that
// decides a scenario has a counter and a comment, so a test can prove the packets were really dropped there.
// No FTP conntrack helper is attached anywhere: without an explicit `ct helper` rule the kernel's helper
// stays off, so active FTP through these firewalls and NATs fails the way it does without one.

/** Client: drop every new inbound TCP connection (a desktop firewall). */
export const CLIENT_DROPS_INBOUND = `
table inet ftpx {
  chain input {
    type filter hook input priority 0; policy accept;
    ct state established,related accept
    meta l4proto tcp ct state new counter drop comment "inbound-new"
  }
}`;

/** Server: only the control ports and one passive range are open. */
export function serverAllowsOnly(controlPorts: number[], passive: [number, number]): string {
  return `
table inet ftpx {
  chain input {
    type filter hook input priority 0; policy drop;
    ct state established,related accept
    iif "lo" accept
    tcp dport { ${controlPorts.join(', ')} } accept
    tcp dport ${passive[0]}-${passive[1]} accept
    counter comment "input-dropped"
  }
}`;
}

/** Server: its outgoing connections from source port 20 are dropped (a common egress rule). */
export const SERVER_DROPS_SPORT_20 = `
table inet ftpx {
  chain output {
    type filter hook output priority 0; policy accept;
    tcp sport 20 counter drop comment "sport-20"
  }
}`;

/**
 * Router in front of a server (server behind NAT): the public address (the router's client-side address)
 * forwards the control ports and passive ranges to the server; the server's outgoing connections are
 * masqueraded; nothing else is forwarded, so the server's private address cannot be reached from outside.
 */
export function natInFrontOfServer(pub: string, server: string, ports: string[]): string {
  return `
table ip ftpx {
  chain prerouting {
    type nat hook prerouting priority dstnat;
    ip daddr ${pub} tcp dport { ${ports.join(', ')} } dnat to ${server}
  }
  chain postrouting {
    type nat hook postrouting priority srcnat;
    oifname "n0" ip saddr 10.200.2.0/24 masquerade
  }
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
    ct status dnat accept
    iifname "n1" oifname "n0" accept
    counter comment "forward-dropped"
  }
}`;
}

/**
 * Router in front of a client (client behind NAT): the client's network is masqueraded to the router's
 * server-side address. Optionally one port range of that address is forwarded to the client (what a user does
 * for active mode behind NAT, with the active-mode address and port range settings).
 */
export function natInFrontOfClient(pub: string, client: string, forward?: [number, number]): string {
  return `
table ip ftpx {
  chain prerouting {
    type nat hook prerouting priority dstnat;
    ${forward ? `iifname "n1" ip daddr ${pub} tcp dport ${forward[0]}-${forward[1]} counter dnat to ${client} comment "port-forward"` : ''}
  }
  chain postrouting {
    type nat hook postrouting priority srcnat;
    oifname "n1" ip saddr 10.200.1.0/24 masquerade
  }
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
    ct status dnat accept
    iifname "n0" oifname "n1" accept
    counter comment "forward-dropped"
  }
}`;
}
