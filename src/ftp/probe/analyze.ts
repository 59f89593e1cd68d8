/** `analyzeProbe()`: findings, settings to change and advice from a probe's facts. Pure: no network, no clock. */
import { isPrivateAddress, sameAddress } from '../address';
import type { DataMethod } from '../data';
import type { DataMode } from '../options';
import { t } from '../l10n';
import { activeFinding, port20Finding } from './activeFindings';
import { loginFinding, tlsFinding } from './controlFindings';
import { advertisedAddress, splitEndpoint } from './endpoints';
import { pasvAddressFinding, passiveFinding } from './passiveFindings';
import { ACTIVE, PASSIVE, type ProbeAnalysis, type ProbeCheck, type ProbeFinding, type ProbeInput, type ProbeSettings } from './report';

/** Findings, settings to change and advice from the facts of a probe. Pure: no network, no clock. */
export function analyzeProbe(input: ProbeInput): ProbeAnalysis {
  const { settings, login } = input;
  const byMethod = new Map(input.methods.map((m) => [m.method, m]));
  const works = (list: DataMethod[]) => list.filter((m) => byMethod.get(m)?.ok);
  const passive = { ok: works(PASSIVE).length > 0, via: works(PASSIVE) };
  const active = { ok: works(ACTIVE).length > 0, via: works(ACTIVE) };
  const controlPeer = input.control ? splitEndpoint(input.control.remote)?.host : undefined;
  const localAddress = input.control ? splitEndpoint(input.control.local)?.host : undefined;

  // PASV's address against the control connection's.
  let pasvAddress: ProbeAnalysis['pasvAddress'];
  const pasv = byMethod.get('PASV');
  const advertised = pasv?.reply ? advertisedAddress(pasv.reply) : undefined;
  if (advertised && controlPeer) {
    pasvAddress = {
      advertised,
      control: controlPeer,
      same: sameAddress(advertised, controlPeer),
      private: isPrivateAddress(advertised),
      trusted: settings.trustPasvAddress,
    };
  }

  // Where the server's active connections come from.
  let activeSource: ProbeAnalysis['activeSource'];
  for (const m of ACTIVE) {
    const r = byMethod.get(m);
    const ep = r?.ok && r.dataPeer ? splitEndpoint(r.dataPeer) : undefined;
    if (ep) {
      activeSource = { address: ep.host, port: ep.port, fromPort20: ep.port === 20 };
      break;
    }
  }

  const authTls = input.features.some((f) => /^AUTH\b.*\bTLS\b/i.test(f));
  const tls: ProbeAnalysis['tls'] = settings.tls
    ? {
        configured: true,
        offered: authTls || settings.tls === 'implicit',
        ok: input.tls?.ok ?? (login.ok ? true : undefined),
        detail: input.tls?.detail ?? (login.ok ? tlsWorks(settings.tls) : login.failure === 'tls' ? login.error ?? t('TLS failed') : t('not tested: no login')),
        // Keep the refused certificate in the report, so the user can check its fingerprint and trust it.
        ...(input.tls?.certificate ? { certificate: input.tls.certificate } : {}),
      }
    : {
        configured: false,
        offered: authTls,
        detail: login.ok
          ? authTls
            ? t('not configured; the server offers TLS (AUTH TLS)')
            : t('not configured; the server does not offer TLS')
          : t('not configured'),
      };

  const findings: ProbeFinding[] = [];
  findings.push(loginFinding(input));
  if (!login.ok) {
    for (const check of ['passive', 'active', 'port-20', 'pasv-address'] as ProbeCheck[]) {
      findings.push({ check, status: 'skipped', summary: t('not tested: no login') });
    }
  } else {
    findings.push(passiveFinding(byMethod, passive, active, pasvAddress));
    findings.push(activeFinding(byMethod, active, passive, localAddress, settings));
    findings.push(port20Finding(byMethod, active, activeSource));
    findings.push(pasvAddressFinding(pasvAddress, pasv, input.pasvViaControl));
  }
  findings.push(tlsFinding(tls, input));

  // Settings that make this connection work without a fallback. Turning trustPasvAddress off fixes passive mode
  // when the 227 address was the problem (proven when pasvViaControl was tested); otherwise switch modes.
  const change: Partial<ProbeSettings> = {};
  const trustFix = !!pasvAddress && pasvAddress.trusted && !pasvAddress.same && !!pasv && !pasv.ok && input.pasvViaControl?.ok !== false;
  if (trustFix) change.trustPasvAddress = false;
  const passiveAfter = passive.ok || (trustFix && (input.pasvViaControl?.ok ?? true));
  const modeOk = settings.mode === 'passive' ? passiveAfter : active.ok;
  const other: DataMode = settings.mode === 'passive' ? 'active' : 'passive';
  if (login.ok && !modeOk && (other === 'passive' ? passive.ok : active.ok)) change.mode = other;

  return {
    passive,
    active,
    ...(pasvAddress ? { pasvAddress } : {}),
    ...(activeSource ? { activeSource } : {}),
    tls,
    findings,
    change,
    advice: advise(input, findings, change, passive, active, pasvAddress),
  };
}

/**
 * The report's conclusion as lines that start with what they are: the verdict (no prefix), "Why: " (the likely
 * cause of each failure), "Note: " (warnings that do not break this connection), and one "Change: " line.
 */
function advise(
  input: ProbeInput,
  findings: ProbeFinding[],
  change: Partial<ProbeSettings>,
  passive: ProbeAnalysis['passive'],
  active: ProbeAnalysis['active'],
  pasvAddress: ProbeAnalysis['pasvAddress'],
): string[] {
  const out: string[] = [];
  if (!input.login.ok) {
    const f = findings.find((x) => x.check === 'login');
    out.push(t('The login failed, so nothing else was tested.'));
    if (f?.cause) out.push(t('Why: {0}', f.cause));
    out.push(t('Change: {0}', f?.change ?? t('check the host, the port and the login.')));
    return out;
  }
  const mode = input.settings.mode;
  const other = mode === 'passive' ? 'active' : 'passive';
  const modeOk = mode === 'passive' ? passive.ok : active.ok;
  if (!passive.ok && !active.ok) {
    out.push(t('No data connection works, in either mode: listings and transfers fail.'));
  } else if (modeOk) {
    out.push(
      passive.ok && active.ok
        ? t('Both modes work; the current setting ({0} mode) is fine.', modeName(mode))
        : t('The current setting ({0} mode) works; {1} mode does not.', modeName(mode), modeName(other)),
    );
  } else {
    out.push(
      input.settings.fallback
        ? t('The current setting ({0} mode) does not work here (with fallback on, each session first loses time on it); {1} mode does.', modeName(mode), modeName(other))
        : t('The current setting ({0} mode) does not work here; {1} mode does.', modeName(mode), modeName(other)),
    );
  }
  const pasvAddressFails = findings.some((f) => f.check === 'pasv-address' && f.status === 'fail');
  for (const f of findings) {
    if (f.check === 'passive' && pasvAddressFails) continue; // the PASV address line says it better
    if (f.status === 'fail' && f.cause) out.push(t('Why: {0}', f.cause));
  }
  for (const f of findings) {
    if (f.status === 'warn' && f.cause && f.check !== 'port-20') out.push(t('Note: {0}', f.cause));
    if (f.check === 'tls' && f.status === 'info' && f.change) out.push(t('Note: {0}', f.change));
  }
  const parts: string[] = [];
  if (change.trustPasvAddress === false) parts.push(t('turn off "trustPasvAddress" (the client then connects to {0})', pasvAddress?.control ?? t('the control address')));
  if (change.mode) parts.push(t('set "mode" to "{0}"', change.mode));
  if (parts.length) {
    out.push(t('Change: {0}.', parts.length === 2 ? t('{0}, or {1}', parts[0], parts[1]) : parts.join(', or ')));
  } else if (modeOk) {
    out.push(t('Change: nothing.'));
  } else {
    // Nothing the client can set fixes it: say what the failing mode's finding suggests (the server's admin, a router).
    const f = findings.find((x) => x.check === mode && x.status === 'fail');
    out.push(t('Change: {0}', f?.change ?? t('nothing on this side helps; the firewall or NAT in between must allow FTP data connections.')));
  }
  return out;
}

/** A data connection mode as the report names it. */
function modeName(mode: DataMode): string {
  return mode === 'active' ? t('active') : t('passive');
}

/** "explicit TLS works", "implicit TLS works". */
function tlsWorks(tls: string): string {
  if (tls === 'explicit') return t('explicit TLS works');
  if (tls === 'implicit') return t('implicit TLS works');
  return `${tls} TLS works`;
}
