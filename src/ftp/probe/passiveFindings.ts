/** The findings about passive mode: EPSV and PASV, and the address in the 227 reply. */
import { addressScope } from '../address';
import type { DataMethod } from '../data';
import type { DataMode } from '../options';
import { t } from '../l10n';
import { splitEndpoint } from './endpoints';
import { failsSummary, worksFinding } from './methodWords';
import { PASSIVE, type MethodResult, type ProbeAnalysis, type ProbeFinding } from './report';

export function passiveFinding(
  byMethod: Map<DataMethod, MethodResult>,
  passive: ProbeAnalysis['passive'],
  active: ProbeAnalysis['active'],
  pasvAddress: ProbeAnalysis['pasvAddress'],
): ProbeFinding {
  const epsv = byMethod.get('EPSV');
  const pasv = byMethod.get('PASV');
  if (passive.ok) return worksFinding('passive', PASSIVE, byMethod, passive.via);
  const summary = failsSummary(PASSIVE, byMethod);
  const toActive = active.ok ? { settings: { mode: 'active' as DataMode } } : {};
  const results = [epsv, pasv].filter((r): r is MethodResult => !!r);
  const timeout = results.find((r) => r.failure === 'connect-timeout');
  const refusedPort = results.find((r) => r.failure === 'connect-refused');
  if (pasvAddress && pasvAddress.trusted && !pasvAddress.same && pasv && !pasv.ok && pasv.failure !== 'command-refused') {
    return {
      check: 'passive',
      status: 'fail',
      summary,
      cause:
        epsv && !epsv.ok
          ? t('The server refuses EPSV, and its PASV reply names {0}, which cannot be reached from here; the connection is set to trust that address (see "PASV address").', pasvAddress.advertised)
          : t('Its PASV reply names {0}, which cannot be reached from here; the connection is set to trust that address (see "PASV address").', pasvAddress.advertised),
      change: t('Turn off "trustPasvAddress" (the default).'),
      settings: { trustPasvAddress: false },
    };
  }
  if (timeout) {
    const port = timeout.dataPeer ? splitEndpoint(timeout.dataPeer)?.port : portOfDiagnosis(timeout);
    return {
      check: 'passive',
      status: 'fail',
      summary,
      cause: port
        ? t("Nothing answered at the server's passive port {0}: a firewall (the server's, or one on the way) drops connections to it, so the server's passive port range is not open, or the server uses a range its firewall does not allow.", port)
        : t("Nothing answered at the server's passive port: a firewall (the server's, or one on the way) drops connections to it, so the server's passive port range is not open, or the server uses a range its firewall does not allow."),
      change: active.ok
        ? t('Ask the server\'s admin to open its passive port range in the firewall (and to set the same range on the server), or set "mode" to "active" (active mode works here).')
        : t("Ask the server's admin to open its passive port range in the firewall (and to set the same range on the server)."),
      ...toActive,
    };
  }
  if (refusedPort) {
    return {
      check: 'passive',
      status: 'fail',
      summary,
      cause: t("The server's passive port refused the connection: the port is closed, or a firewall or NAT in front of the server does not forward the passive range."),
      change: active.ok
        ? t('Ask the server\'s admin to forward and open the passive port range, or set "mode" to "active" (active mode works here).')
        : t("Ask the server's admin to forward and open the passive port range."),
      ...toActive,
    };
  }
  if (results.length && results.every((r) => r.failure === 'command-refused')) {
    return { check: 'passive', status: 'fail', summary, cause: t('The server does not allow passive mode: it refuses EPSV and PASV.'), change: active.ok ? t('Set "mode" to "active".') : undefined, ...toActive };
  }
  const first = results.find((r) => r.diagnosis);
  return {
    check: 'passive',
    status: 'fail',
    summary,
    cause: first?.diagnosis ?? t('The passive data connection could not be made.'),
    change: active.ok ? t('Set "mode" to "active".') : undefined,
    ...toActive,
  };
}

/** The port named in a diagnosis ("... blocks port 41007 ..."), when the result has no data peer. */
function portOfDiagnosis(r: MethodResult): number | undefined {
  const m = /:(\d{1,5})\b/.exec(r.error ?? '');
  return m ? Number(m[1]) : undefined;
}

export function pasvAddressFinding(a: ProbeAnalysis['pasvAddress'], pasv: MethodResult | undefined, viaControl: MethodResult | undefined): ProbeFinding {
  if (!a) {
    return { check: 'pasv-address', status: 'skipped', summary: pasv?.reply ? t('no address: PASV answered {0}', pasv.reply.split('\n')[0]) : t('no 227 reply to compare') };
  }
  if (a.same) return { check: 'pasv-address', status: 'ok', summary: t('the 227 reply names the control address {0}', a.control) };
  const summary = a.private
    ? t('the 227 reply names {0} ({1}), the control connection goes to {2}', a.advertised, scopeName(addressScope(a.advertised)), a.control)
    : t('the 227 reply names {0}, the control connection goes to {1}', a.advertised, a.control);
  const admin = t("The server's admin can set the public address (vsftpd: pasv_address, ProFTPD: MasqueradeAddress, Pure-FTPd: -P).");
  if (a.trusted && pasv && !pasv.ok) {
    const change = !viaControl
      ? t('Turn off "trustPasvAddress" (the default): the client then connects to {0}, the address it already reaches.', a.control)
      : viaControl.ok
        ? t('Turn off "trustPasvAddress" (the default): the client then connects to {0}, the address it already reaches (tested: PASV to {0} works).', a.control)
        : t('Turn off "trustPasvAddress" (the default): the client then connects to {0}, the address it already reaches (tested: PASV to {0} fails too).', a.control);
    return {
      check: 'pasv-address',
      status: 'fail',
      summary,
      cause: t('The server is behind NAT (or misconfigured) and advertises {0}, which cannot be reached from here; the connection is set to trust that address. {1}', a.advertised, admin),
      change,
      settings: { trustPasvAddress: false },
    };
  }
  if (a.trusted) {
    return {
      check: 'pasv-address',
      status: 'warn',
      summary,
      cause: t('{0} is reachable from here, but it is not the address the control connection uses; trusting it also lets a server send data elsewhere.', a.advertised),
      change: t('Turn off "trustPasvAddress" unless the server really needs it.'),
    };
  }
  return {
    check: 'pasv-address',
    status: 'warn',
    summary,
    cause: t('The server is behind NAT and advertises {0}; the client ignores it and connects to {1} (trustPasvAddress is off), so this works. {2}', a.advertised, a.control, admin),
  };
}

/** An address's scope as the finding names it. */
function scopeName(scope: ReturnType<typeof addressScope>): string {
  switch (scope) {
    case 'loopback':
      return t('loopback');
    case 'private':
      return t('private');
    case 'link-local':
      return t('link-local');
    default:
      return t('public');
  }
}
