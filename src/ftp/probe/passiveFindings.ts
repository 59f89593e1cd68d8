/** The findings about passive mode: EPSV and PASV, and the address in the 227 reply. */
import { addressScope } from '../address';
import type { DataMethod } from '../data';
import type { DataMode } from '../options';
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
  const orActive = active.ok ? ', or set "mode" to "active" (active mode works here)' : '';
  const results = [epsv, pasv].filter((r): r is MethodResult => !!r);
  const timeout = results.find((r) => r.failure === 'connect-timeout');
  const refusedPort = results.find((r) => r.failure === 'connect-refused');
  if (pasvAddress && pasvAddress.trusted && !pasvAddress.same && pasv && !pasv.ok && pasv.failure !== 'command-refused') {
    return {
      check: 'passive',
      status: 'fail',
      summary,
      cause:
        `${epsv && !epsv.ok ? 'The server refuses EPSV, and its' : 'Its'} PASV reply names ${pasvAddress.advertised}, ` +
        `which cannot be reached from here; the connection is set to trust that address (see "PASV address").`,
      change: 'Turn off "trustPasvAddress" (the default).',
      settings: { trustPasvAddress: false },
    };
  }
  if (timeout) {
    const port = timeout.dataPeer ? splitEndpoint(timeout.dataPeer)?.port : portOfDiagnosis(timeout);
    return {
      check: 'passive',
      status: 'fail',
      summary,
      cause:
        `Nothing answered at the server's passive port${port ? ` ${port}` : ''}: a firewall (the server's, or one on the way) ` +
        `drops connections to it, so the server's passive port range is not open, or the server uses a range its firewall does not allow.`,
      change: `Ask the server's admin to open its passive port range in the firewall (and to set the same range on the server)${orActive}.`,
      ...toActive,
    };
  }
  if (refusedPort) {
    return {
      check: 'passive',
      status: 'fail',
      summary,
      cause: 'The server\'s passive port refused the connection: the port is closed, or a firewall or NAT in front of the server does not forward the passive range.',
      change: `Ask the server's admin to forward and open the passive port range${orActive}.`,
      ...toActive,
    };
  }
  if (results.length && results.every((r) => r.failure === 'command-refused')) {
    return { check: 'passive', status: 'fail', summary, cause: 'The server does not allow passive mode: it refuses EPSV and PASV.', change: active.ok ? 'Set "mode" to "active".' : undefined, ...toActive };
  }
  const first = results.find((r) => r.diagnosis);
  return {
    check: 'passive',
    status: 'fail',
    summary,
    cause: first?.diagnosis ?? 'The passive data connection could not be made.',
    change: active.ok ? 'Set "mode" to "active".' : undefined,
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
    return { check: 'pasv-address', status: 'skipped', summary: pasv?.reply ? `no address: PASV answered ${pasv.reply.split('\n')[0]}` : 'no 227 reply to compare' };
  }
  if (a.same) return { check: 'pasv-address', status: 'ok', summary: `the 227 reply names the control address ${a.control}` };
  const scope = addressScope(a.advertised);
  const summary = `the 227 reply names ${a.advertised}${a.private ? ` (${scope})` : ''}, the control connection goes to ${a.control}`;
  const admin = 'The server\'s admin can set the public address (vsftpd: pasv_address, ProFTPD: MasqueradeAddress, Pure-FTPd: -P).';
  if (a.trusted && pasv && !pasv.ok) {
    const tested = viaControl ? (viaControl.ok ? ` (tested: PASV to ${a.control} works)` : ` (tested: PASV to ${a.control} fails too)`) : '';
    return {
      check: 'pasv-address',
      status: 'fail',
      summary,
      cause: `The server is behind NAT (or misconfigured) and advertises ${a.advertised}, which cannot be reached from here; the connection is set to trust that address. ${admin}`,
      change: `Turn off "trustPasvAddress" (the default): the client then connects to ${a.control}, the address it already reaches${tested}.`,
      settings: { trustPasvAddress: false },
    };
  }
  if (a.trusted) {
    return { check: 'pasv-address', status: 'warn', summary, cause: `${a.advertised} is reachable from here, but it is not the address the control connection uses; trusting it also lets a server send data elsewhere.`, change: 'Turn off "trustPasvAddress" unless the server really needs it.' };
  }
  return {
    check: 'pasv-address',
    status: 'warn',
    summary,
    cause: `The server is behind NAT and advertises ${a.advertised}; the client ignores it and connects to ${a.control} (trustPasvAddress is off), so this works. ${admin}`,
  };
}
