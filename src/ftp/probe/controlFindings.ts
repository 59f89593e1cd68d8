/** The findings about the control connection: the login and TLS. */
import type { ProbeAnalysis, ProbeFinding, ProbeInput } from './report';
import { t } from '../l10n';

export function loginFinding(input: ProbeInput): ProbeFinding {
  const { login, host, port } = input;
  const where = `${host}:${port}`;
  if (login.ok) {
    const banner = login.banner ? `: ${login.banner.split('\n')[0]}` : '';
    return { check: 'login', status: 'ok', summary: `${t('logged in as {0}', login.user)}${banner}` };
  }
  const summary = t('FAILED: {0}', login.error ?? t('no login'));
  switch (login.failure) {
    case 'credentials':
      return { check: 'login', status: 'fail', summary, cause: t('The server refused the user name or password.'), change: t('Check the user name and the password.') };
    case 'refused-by-server':
      return { check: 'login', status: 'fail', summary, cause: t('The server answered, but refused the login (see its reply: too many connections, or no access for this user).'), change: t('Check the user name, or try again later.') };
    case 'connection-refused':
      return { check: 'login', status: 'fail', summary, cause: t('Nothing listens on {0}: the connection was refused.', where), change: t('Check the host and the port (FTP: 21, implicit FTPS: 990).') };
    case 'timeout':
      return { check: 'login', status: 'fail', summary, cause: t('No answer from {0}: the host is wrong, or a firewall drops connections to that port.', where), change: t('Check the host and the port; a firewall on the way must allow the control port.') };
    case 'not-found':
      return { check: 'login', status: 'fail', summary, cause: t('The host name {0} does not resolve.', host), change: t('Check the host name.') };
    case 'unreachable':
      return { check: 'login', status: 'fail', summary, cause: t('There is no route to {0} from this machine.', host), change: t('Check the host and this machine\'s network (VPN, proxy).') };
    case 'tls':
      return { check: 'login', status: 'fail', summary, ...tlsProblem(input) };
    default:
      return { check: 'login', status: 'fail', summary, cause: t('The connection to {0} failed.', where), change: t('Check the host and the port, and that an FTP server answers there.') };
  }
}


function quote(s: string): string {
  return `"${s}"`;
}

/** Why TLS failed and what to do, from the certificate problem or the error. */
function tlsProblem(input: ProbeInput): { cause: string; change: string } {
  const cert = input.tls?.certificate;
  const trust = cert
    ? t('If SHA-256 {0} is the server\'s certificate (ask its admin), trust it: "trustedFingerprint" (CLI: --trust-fingerprint).', cert.fingerprint256)
    : '';
  switch (cert?.problem) {
    case 'untrusted':
      return { cause: t('The server\'s certificate ({0}) is not signed by an authority this machine trusts: self-signed, or a private CA.', cert.subject), change: trust };
    case 'hostname':
      return { cause: t('The server\'s certificate ({0}) is not made out for {1}.', cert.subject, input.host), change: t('Connect by the name in the certificate, or: {0}', trust) };
    case 'changed':
      return {
        cause: t('The server\'s certificate differs from the one trusted before: it was renewed, or something is in between.'),
        change: t('Check with the server\'s admin before trusting the new one. {0}', trust),
      };
    default:
      return {
        cause: t('TLS could not be set up: {0}.', input.tls?.detail ?? input.login.error ?? t('no detail')),
        change: t('Check the TLS setting (now {0}): explicit TLS uses AUTH TLS on the FTP port (21), implicit TLS its own port (990).', quote(input.settings.tls ?? 'none')),
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
  if (!loggedIn) return { check: 'tls', status: 'skipped', summary: t('not configured') };
  return tls.offered
    ? { check: 'tls', status: 'info', summary: tls.detail, change: t('The password and files travel in clear text: use FTPS (explicit TLS) since the server offers it.') }
    : { check: 'tls', status: 'info', summary: tls.detail };
}
