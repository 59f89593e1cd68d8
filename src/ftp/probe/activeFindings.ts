/** The findings about active mode: EPRT and PORT, and the source port of the server's data connections. */
import { addressScope } from '../address';
import type { DataMethod } from '../data';
import type { DataMode } from '../options';
import { t } from '../l10n';
import { failsSummary, worksFinding } from './methodWords';
import { ACTIVE, type MethodResult, type ProbeAnalysis, type ProbeFinding, type ProbeSettings } from './report';

export function activeFinding(
  byMethod: Map<DataMethod, MethodResult>,
  active: ProbeAnalysis['active'],
  passive: ProbeAnalysis['passive'],
  localAddress: string | undefined,
  settings: ProbeSettings,
): ProbeFinding {
  if (active.ok) return worksFinding('active', ACTIVE, byMethod, active.via);
  const summary = failsSummary(ACTIVE, byMethod);
  const results = ACTIVE.map((m) => byMethod.get(m)).filter((r): r is MethodResult => !!r);
  const toPassive = passive.ok ? { settings: { mode: 'passive' as DataMode } } : {};
  const usePassive = passive.ok ? t('Set "mode" to "passive" (passive mode works here)') : t('Passive mode does not work either');
  const offered = settings.activeAddress ?? localAddress;
  const rejected = results.flatMap((r) => r.rejected ?? []);
  if (results.length && results.every((r) => r.failure === 'command-refused')) {
    if (offered && addressScope(offered) === 'private' && !settings.activeAddress) {
      return {
        check: 'active',
        status: 'fail',
        summary,
        cause: t(
          'The server refused the address this machine offered ({0}). It is a private address: this machine is probably behind NAT, so the server sees the connection come from another address and refuses to connect to {0}.',
          offered,
        ),
        change: t('{0}; or set "activeAddress" to this network\'s public address and forward "activePortRange" on the router to this machine.', usePassive),
        ...toPassive,
      };
    }
    return {
      check: 'active',
      status: 'fail',
      summary,
      cause: offered
        ? t('The server refuses active mode to {0} (PORT/EPRT refused): it does not allow active mode, or not to this address.', offered)
        : t('The server refuses active mode to this machine (PORT/EPRT refused): it does not allow active mode, or not to this address.'),
      change: settings.activeAddress ? t('{0}; or check "activeAddress".', usePassive) : sentence(usePassive),
      ...toPassive,
    };
  }
  if (rejected.length) {
    return {
      check: 'active',
      status: 'fail',
      summary,
      cause: t(
        "A connection arrived from {0}, not from the server's control address: the server's data connections leave through another address (NAT on its side), and the client refuses them as a safety measure.",
        rejected.join(', '),
      ),
      change: sentence(usePassive),
      ...toPassive,
    };
  }
  if (results.some((r) => r.failure === 'no-connect-back' || r.failure === 'server-could-not-connect')) {
    const said = results.some((r) => r.failure === 'server-could-not-connect');
    return {
      check: 'active',
      status: 'fail',
      summary,
      cause: said
        ? t("The server accepted the address but its data connection never arrived (the server said it could not connect): an inbound firewall on this machine (or a NAT router in front of it) blocks connections from the server, or the server's own firewall blocks its outgoing data connections, often those from source port 20.")
        : t("The server accepted the address but its data connection never arrived: an inbound firewall on this machine (or a NAT router in front of it) blocks connections from the server, or the server's own firewall blocks its outgoing data connections, often those from source port 20."),
      change: sentence(usePassive),
      ...toPassive,
    };
  }
  const first = results.find((r) => r.diagnosis);
  return { check: 'active', status: 'fail', summary, cause: first?.diagnosis ?? t('The active data connection could not be made.'), change: sentence(usePassive), ...toPassive };
}

export function port20Finding(byMethod: Map<DataMethod, MethodResult>, active: ProbeAnalysis['active'], src: ProbeAnalysis['activeSource']): ProbeFinding {
  if (src?.fromPort20) {
    return {
      check: 'port-20',
      status: 'info',
      summary: t("yes: the server's data connections come from port 20 ({0}:20)", src.address),
      cause: t("A firewall that blocks source port 20 (on the server's side or this one) breaks active mode; passive mode does not use it."),
    };
  }
  if (src) return { check: 'port-20', status: 'ok', summary: t("no: the server's data connections come from port {0}, not 20", src.port) };
  const never = ACTIVE.some((m) => {
    const f = byMethod.get(m)?.failure;
    return f === 'no-connect-back' || f === 'server-could-not-connect';
  });
  if (!active.ok && never) {
    return {
      check: 'port-20',
      status: 'warn',
      summary: t('unknown: no active-mode connection arrived'),
      cause: t('If the server connects from port 20 (vsftpd: connect_from_port_20=YES), a firewall on its side that blocks source port 20 would explain the failure.'),
    };
  }
  return { check: 'port-20', status: 'skipped', summary: t('unknown: active mode did not get as far as a connection') };
}

/** A piece of advice as a sentence of its own ("... works here)." in English). */
function sentence(text: string): string {
  return t('{0}.', text);
}
