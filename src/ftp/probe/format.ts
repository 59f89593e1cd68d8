/** `formatProbeReport()`: the report as the short text the CLI prints and "FTP: Diagnose Connection" shows. */
import type { ProbeCheck, ProbeReport } from './report';


const CHECK_LABEL: Record<ProbeCheck, string> = {
  login: 'login',
  passive: 'passive mode',
  active: 'active mode',
  'port-20': 'port 20',
  'pasv-address': 'PASV address',
  tls: 'TLS',
};

/**
 * The short report in plain words:
 *
 *     FTP diagnosis of 10.200.1.254:21 (from 10.200.1.1:38038)
 *       ok    login         logged in as ftpexplorer: 220 (vsFTPd 3.0.3)
 *       ok    passive mode  works through PASV (EPSV: 550 Permission denied.)
 *       ok    active mode   works through EPRT and PORT
 *       ok    port 20       no: the server's data connections come from port 37259, not 20
 *       warn  PASV address  the 227 reply names 10.200.2.2 (private), the control connection goes to 10.200.1.254
 *       info  TLS           not configured; the server does not offer TLS
 *       methods: EPSV FAIL 1 ms, PASV ok 9 ms, EPRT ok 12 ms, PORT ok 10 ms
 *     Works: login, passive mode (PASV), active mode (EPRT, PORT).
 *     Fails: EPSV.
 *     Both modes work; the current setting (passive mode) is fine.
 *     Note: The server is behind NAT and advertises 10.200.2.2; the client ignores it ...
 *     Change: nothing.
 */
export function formatProbeReport(r: ProbeReport): string {
  const lines = [`FTP diagnosis of ${r.host}:${r.port}${r.control ? ` (from ${r.control.local})` : ''}`];
  for (const f of r.findings) {
    const status = f.status === 'fail' ? 'FAIL' : f.status === 'skipped' ? '-' : f.status;
    lines.push(`  ${status.padEnd(5)} ${CHECK_LABEL[f.check].padEnd(13)} ${f.summary}`);
  }
  if (r.methods.length) {
    lines.push(`  methods: ${r.methods.map((m) => `${m.method} ${m.ok ? 'ok' : 'FAIL'} ${m.ms} ms`).join(', ')}`);
  }
  const ok = r.login.ok
    ? ['login', ...(r.passive.ok ? [`passive mode (${r.passive.via.join(', ')})`] : []), ...(r.active.ok ? [`active mode (${r.active.via.join(', ')})`] : [])]
    : [];
  const failed = r.login.ok ? r.methods.filter((m) => !m.ok).map((m) => m.method) : ['login'];
  lines.push(`Works: ${ok.length ? ok.join(', ') : 'nothing'}.`);
  lines.push(`Fails: ${failed.length ? failed.join(', ') : 'nothing'}.`);
  lines.push(...r.advice);
  return lines.join('\n');
}
