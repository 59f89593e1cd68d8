/** The findings about the control connection: the login and TLS. */
import type { ProbeAnalysis, ProbeFinding, ProbeInput } from './report';

export function loginFinding(input: ProbeInput): ProbeFinding {
  const { login, host, port } = input;
  const where = `${host}:${port}`;
  if (login.ok) {
    const banner = login.banner ? `: ${login.banner.split('\n')[0]}` : '';
    return { check: 'login', status: 'ok', summary: `logged in as ${login.user}${banner}` };
  }
  const summary = `FAILED: ${login.error ?? 'no login'}`;
  switch (login.failure) {
    case 'credentials':
      return { check: 'login', status: 'fail', summary, cause: 'The server refused the user name or password.', change: 'Check the user name and the password.' };
    case 'refused-by-server':
      return { check: 'login', status: 'fail', summary, cause: 'The server answered, but refused the login (see its reply: too many connections, or no access for this user).', change: 'Check the user name, or try again later.' };
    case 'connection-refused':
      return { check: 'login', status: 'fail', summary, cause: `Nothing listens on ${where}: the connection was refused.`, change: 'Check the host and the port (FTP: 21, implicit FTPS: 990).' };
    case 'timeout':
      return { check: 'login', status: 'fail', summary, cause: `No answer from ${where}: the host is wrong, or a firewall drops connections to that port.`, change: 'Check the host and the port; a firewall on the way must allow the control port.' };
    case 'not-found':
      return { check: 'login', status: 'fail', summary, cause: `The host name ${host} does not resolve.`, change: 'Check the host name.' };
    case 'unreachable':
      return { check: 'login', status: 'fail', summary, cause: `There is no route to ${host} from this machine.`, change: 'Check the host and this machine\'s network (VPN, proxy).' };
    case 'tls':
      return { check: 'login', status: 'fail', summary, ...tlsProblem(input) };
    default:
      return { check: 'login', status: 'fail', summary, cause: `The connection to ${where} failed.`, change: 'Check the host and the port, and that an FTP server answers there.' };
  }
}


function quote(s: string): string {
  return `"${s}"`;
}

/** Why TLS failed and what to do, from the certificate problem or the error. */
function tlsProblem(input: ProbeInput): { cause: string; change: string } {
  const cert = input.tls?.certificate;
  const trust = cert
    ? `If SHA-256 ${cert.fingerprint256} is the server's certificate (ask its admin), trust it: "trustedFingerprint" (CLI: --trust-fingerprint).`
    : '';
  switch (cert?.problem) {
    case 'untrusted':
      return { cause: `The server's certificate (${cert.subject}) is not signed by an authority this machine trusts: self-signed, or a private CA.`, change: trust };
    case 'hostname':
      return { cause: `The server's certificate (${cert.subject}) is not made out for ${input.host}.`, change: `Connect by the name in the certificate, or: ${trust}` };
    case 'changed':
      return {
        cause: `The server's certificate differs from the one trusted before: it was renewed, or something is in between.`,
        change: `Check with the server's admin before trusting the new one. ${trust}`,
      };
    default:
      return {
        cause: `TLS could not be set up: ${input.tls?.detail ?? input.login.error ?? 'no detail'}.`,
        change: `Check the TLS setting (now ${quote(input.settings.tls ?? 'none')}): explicit TLS uses AUTH TLS on the FTP port (21), implicit TLS its own port (990).`,
      };
  }
}

export function tlsFinding(tls: ProbeAnalysis['tls'], input: ProbeInput): ProbeFinding {
  const loggedIn = input.login.ok;
  if (tls.configured) {
    if (tls.ok) return { check: 'tls', status: 'ok', summary: tls.detail };
    if (tls.ok === false) return { check: 'tls', status: 'fail', summary: tls.detail, ...tlsProblem(input) };
    return { check: 'tls', status: 'skipped', summary: tls.detail };
  }
  if (!loggedIn) return { check: 'tls', status: 'skipped', summary: 'not configured' };
  return tls.offered
    ? { check: 'tls', status: 'info', summary: tls.detail, change: 'The password and files travel in clear text: use FTPS (explicit TLS) since the server offers it.' }
    : { check: 'tls', status: 'info', summary: tls.detail };
}
