/**
 * Connection diagnosis, for the CLI's `probe` and the extension's "FTP: Diagnose Connection": log in, then list
 * one folder through each data-connection method alone (EPSV, PASV, EPRT, PORT, no fallback), and report what
 * works, what fails, the likely cause in plain words and the setting to change. No vscode here: the extension
 * shows `formatProbeReport` (or the JSON) as it is.
 *
 * `probe()` gathers the facts; `analyzeProbe()` turns them into findings and advice and is pure, so the advice
 * can be unit-tested without a network.
 */
import { FtpClient } from './client';
import { isPrivateAddress, normalizeAddress, parsePasvReply, sameAddress } from './address';
import {
  FtpCertificateError,
  FtpConnectionError,
  FtpDataConnectionError,
  FtpReplyError,
  FtpTimeoutError,
  FtpTlsError,
  type DataConnectionFailure,
} from './errors';
import type { DataMethod } from './data';
import { formatLogEvent, type FtpLogEvent } from './log';
import type { DataMode, FtpConnectOptions } from './options';

export interface MethodResult {
  method: DataMethod;
  ok: boolean;
  ms: number;
  /** The server's reply to the method's command, e.g. "227 Entering Passive Mode (10,200,2,2,156,73)." */
  reply?: string;
  /** The data connection as seen on the wire: who connected to whom, from which port. */
  connection?: string;
  /** Passive: the address:port the client connected to. Active: the address:port the server connected from. */
  dataPeer?: string;
  /** Why it failed ('other': not a data-connection error, e.g. the listing was refused). */
  failure?: DataConnectionFailure | 'other';
  /** The reply code, when the server refused. */
  code?: number;
  error?: string;
  diagnosis?: string;
  /** Active mode: connections to our listener that did not come from the server, rejected (their address:port). */
  rejected?: string[];
}

export type LoginFailure = 'credentials' | 'refused-by-server' | 'connection-refused' | 'timeout' | 'not-found' | 'unreachable' | 'tls' | 'other';

export type ProbeCheck = 'login' | 'passive' | 'active' | 'port-20' | 'pasv-address' | 'tls';
export type ProbeStatus = 'ok' | 'fail' | 'warn' | 'info' | 'skipped';

/** Connection settings, named as in the extension's `ftpExplorer.connections` (and the CLI's flags). */
export interface ProbeSettings {
  mode: DataMode;
  fallback: boolean;
  trustPasvAddress: boolean;
  activeAddress?: string;
  /** 'explicit' | 'implicit' when TLS is configured. */
  tls?: 'explicit' | 'implicit';
}

export interface ProbeFinding {
  check: ProbeCheck;
  status: ProbeStatus;
  /** What was seen, one line. */
  summary: string;
  /** The likely cause, in plain words (failures and warnings). */
  cause?: string;
  /** What to change, in plain words, naming the setting. */
  change?: string;
  /** The same as settings to set (a subset of ProbeSettings). */
  settings?: Partial<ProbeSettings>;
}

/** The facts a probe gathers; everything else in the report follows from them (analyzeProbe). */
export interface ProbeInput {
  host: string;
  port: number;
  settings: ProbeSettings;
  /** The control connection as this machine's socket saw it (host:port). */
  control?: { local: string; remote: string };
  login: { ok: boolean; ms: number; user: string; error?: string; failure?: LoginFailure; banner?: string };
  features: string[];
  methods: MethodResult[];
  /**
   * PASV again with the control connection's address instead of the 227 one: tested only when trustPasvAddress
   * is on, the 227 address differs and PASV failed, to tell whether turning trustPasvAddress off fixes it.
   */
  pasvViaControl?: MethodResult;
  /** TLS as set up at login: detail is the client's TLS log lines (protocol, cipher, certificate). */
  tls?: {
    ok?: boolean;
    detail?: string;
    /** Why the certificate was refused, and its SHA-256 fingerprint (to trust it after checking). */
    certificate?: { problem: 'untrusted' | 'hostname' | 'changed'; fingerprint256: string; subject: string };
  };
}

export interface ProbeAnalysis {
  passive: { ok: boolean; via: DataMethod[] };
  active: { ok: boolean; via: DataMethod[] };
  /** The address in the 227 reply against the control connection's peer. */
  pasvAddress?: { advertised: string; control: string; same: boolean; private: boolean; trusted: boolean };
  /** Where the server's active-mode data connection came from: port 20 or not. */
  activeSource?: { address: string; port: number; fromPort20: boolean };
  tls: { configured: boolean; offered: boolean; ok?: boolean; detail: string; certificate?: NonNullable<ProbeInput['tls']>['certificate'] };
  findings: ProbeFinding[];
  /** Settings to change so that this connection works without fallback; empty when the current ones work. */
  change: Partial<ProbeSettings>;
  /** Plain-words conclusions: what works, what fails, the likely cause, what to change. */
  advice: string[];
}

export type ProbeReport = ProbeInput & ProbeAnalysis & { version: 1 };

const METHODS: DataMethod[] = ['EPSV', 'PASV', 'EPRT', 'PORT'];
const PASSIVE: DataMethod[] = ['EPSV', 'PASV'];
const ACTIVE: DataMethod[] = ['EPRT', 'PORT'];

export interface ProbeHooks {
  /**
   * Extra TLS checks once logged in (when TLS is configured), e.g. certificate details. The login itself
   * already proves the TLS setup: the client never goes on in clear text when TLS is asked for.
   */
  checkTls?: (client: FtpClient) => Promise<{ ok: boolean; detail: string }>;
}

/** Log in, then list one folder through each data-connection method alone, and say what works and why not. */
export async function probe(options: FtpConnectOptions, path = '.', hooks: ProbeHooks = {}): Promise<ProbeReport> {
  const tlsSetting = options.tls === 'explicit' || options.tls === 'implicit' ? options.tls : undefined;
  const input: ProbeInput = {
    host: options.host,
    port: options.port ?? (tlsSetting === 'implicit' ? 990 : 21),
    settings: {
      mode: options.mode ?? 'passive',
      fallback: options.fallback ?? true,
      trustPasvAddress: options.trustPasvAddress ?? false,
      ...(options.activeAddress ? { activeAddress: options.activeAddress } : {}),
      ...(tlsSetting ? { tls: tlsSetting } : {}),
    },
    login: { ok: false, ms: 0, user: options.user || 'anonymous' },
    features: [],
    methods: [],
  };
  const events: FtpLogEvent[] = [];
  const userLog = options.logger;
  const start = Date.now();
  let client: FtpClient;
  try {
    client = await FtpClient.connect({
      ...options,
      activeAcceptTimeoutMs: options.activeAcceptTimeoutMs ?? Math.min(options.timeoutMs ?? 30000, 5000),
      logger: (e) => {
        events.push(e);
        userLog?.(e);
      },
    });
  } catch (err) {
    input.login = { ...input.login, ms: Date.now() - start, error: (err as Error).message, failure: loginFailure(err) };
    input.control = controlOf(events);
    if (input.settings.tls && input.login.failure === 'tls') {
      input.tls = {
        ok: false,
        detail: (err as Error).message,
        ...(err instanceof FtpCertificateError
          ? { certificate: { problem: err.reason, fingerprint256: err.certificate.fingerprint256, subject: err.certificate.subject } }
          : {}),
      };
    }
    return report(input);
  }
  input.control = controlOf(events);
  const banner = events.find((e): e is Extract<FtpLogEvent, { kind: 'reply' }> => e.kind === 'reply');
  input.login = { ...input.login, ok: true, ms: Date.now() - start, banner: banner?.text };
  input.features = [...client.features.entries()].map(([k, v]) => (v ? `${k} ${v}` : k));
  try {
    if (input.settings.tls) {
      const tlsLines = events.filter((e): e is Extract<FtpLogEvent, { kind: 'tls' }> => e.kind === 'tls').map((e) => e.text);
      input.tls = { ok: true, detail: tlsLines.join('; ') || undefined };
      if (hooks.checkTls) {
        try {
          input.tls = await hooks.checkTls(client);
        } catch (err) {
          input.tls = { ok: false, detail: (err as Error).message };
        }
      }
    }
    for (const method of METHODS) {
      const from = events.length;
      const t0 = Date.now();
      let result: MethodResult;
      try {
        await client.listWith(method, path);
        result = { method, ok: true, ms: Date.now() - t0 };
      } catch (err) {
        result = {
          method,
          ok: false,
          ms: Date.now() - t0,
          error: (err as Error).message,
          ...(err instanceof FtpDataConnectionError
            ? { diagnosis: err.diagnosis, failure: err.reason ?? (err.code === 425 ? 'server-could-not-connect' : 'other'), code: err.code }
            : { failure: 'other' as const, code: err instanceof FtpReplyError ? err.code : undefined }),
        };
      }
      input.methods.push({ ...result, ...fromEvents(method, events.slice(from)) });
    }
  } finally {
    await client.close();
  }
  const pasv = input.methods.find((m) => m.method === 'PASV');
  const advertised = pasv?.reply ? advertisedAddress(pasv.reply) : undefined;
  const peer = input.control ? splitEndpoint(input.control.remote)?.host : undefined;
  if (pasv && !pasv.ok && input.settings.trustPasvAddress && advertised && peer && !sameAddress(advertised, peer)) {
    input.pasvViaControl = await pasvWithoutTrust(options, path);
  }
  return report(input);
}

/** One PASV listing on a new connection with trustPasvAddress off (the report's pasvViaControl). */
async function pasvWithoutTrust(options: FtpConnectOptions, path: string): Promise<MethodResult> {
  const events: FtpLogEvent[] = [];
  const t0 = Date.now();
  let client: FtpClient | undefined;
  try {
    client = await FtpClient.connect({ ...options, trustPasvAddress: false, logger: (e) => events.push(e) });
    await client.listWith('PASV', path);
    return { method: 'PASV', ok: true, ms: Date.now() - t0, ...fromEvents('PASV', events) };
  } catch (err) {
    return {
      method: 'PASV',
      ok: false,
      ms: Date.now() - t0,
      error: (err as Error).message,
      failure: err instanceof FtpDataConnectionError ? err.reason ?? 'other' : 'other',
      ...fromEvents('PASV', events),
    };
  } finally {
    await client?.close();
  }
}

function advertisedAddress(reply: string): string | undefined {
  if (!/^227\b/.test(reply)) return undefined;
  try {
    return parsePasvReply(reply).host;
  } catch {
    return undefined; // a malformed 227 shows as PASV's own failure
  }
}

function report(input: ProbeInput): ProbeReport {
  return { version: 1, ...input, ...analyzeProbe(input) };
}

function controlOf(events: FtpLogEvent[]): ProbeInput['control'] {
  const c = events.find((e): e is Extract<FtpLogEvent, { kind: 'connect' }> => e.kind === 'connect');
  return c ? { local: c.local, remote: c.remote } : undefined;
}

/** The method's reply, its data connection and any rejected connection, from the log of its attempt. */
function fromEvents(method: DataMethod, ev: FtpLogEvent[]): Partial<MethodResult> {
  const out: Partial<MethodResult> = {};
  const i = ev.findIndex((e) => e.kind === 'command' && e.text.split(' ')[0] === method);
  const reply = i >= 0 ? ev.slice(i + 1).find((e): e is Extract<FtpLogEvent, { kind: 'reply' }> => e.kind === 'reply') : undefined;
  if (reply) out.reply = reply.text;
  const open = ev.find((e): e is Extract<FtpLogEvent, { kind: 'data' }> => e.kind === 'data' && e.phase === 'open');
  if (open) {
    out.connection = formatLogEvent(open).replace(/^--- data open /, '');
    out.dataPeer = open.remote;
  }
  const rejected = ev.filter((e): e is Extract<FtpLogEvent, { kind: 'data' }> => e.kind === 'data' && e.phase === 'rejected');
  if (rejected.length) out.rejected = rejected.map((e) => e.remote);
  return out;
}

function loginFailure(err: unknown): LoginFailure {
  if (err instanceof FtpTlsError) return 'tls';
  if (err instanceof FtpReplyError) return err.code === 530 ? 'credentials' : 'refused-by-server';
  if (err instanceof FtpTimeoutError) return 'timeout';
  if (err instanceof FtpConnectionError) {
    const code = (err.cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ECONNREFUSED') return 'connection-refused';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'not-found';
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'unreachable';
  }
  return 'other';
}

/** "10.0.0.1:21" / "[::1]:21" -> host and port. */
export function splitEndpoint(endpoint: string): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(endpoint);
  return m ? { host: normalizeAddress(m[1]), port: Number(m[2]) } : undefined;
}

// ---------------------------------------------------------------- analysis (pure)

function quote(s: string): string {
  return `"${s}"`;
}

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
        detail: input.tls?.detail ?? (login.ok ? `${settings.tls} TLS works` : login.failure === 'tls' ? login.error ?? 'TLS failed' : 'not tested: no login'),
        // Keep the refused certificate in the report, so the user can check its fingerprint and trust it.
        ...(input.tls?.certificate ? { certificate: input.tls.certificate } : {}),
      }
    : {
        configured: false,
        offered: authTls,
        detail: login.ok
          ? authTls
            ? 'not configured; the server offers TLS (AUTH TLS)'
            : 'not configured; the server does not offer TLS'
          : 'not configured',
      };

  const findings: ProbeFinding[] = [];
  findings.push(loginFinding(input));
  if (!login.ok) {
    for (const check of ['passive', 'active', 'port-20', 'pasv-address'] as ProbeCheck[]) {
      findings.push({ check, status: 'skipped', summary: 'not tested: no login' });
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

function loginFinding(input: ProbeInput): ProbeFinding {
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

function methodLine(r: MethodResult | undefined): string {
  if (!r) return 'not tested';
  if (r.ok) return 'ok';
  return r.code ? `${r.code} ${r.reply?.replace(/^\d{3}[ -]?/, '') ?? ''}`.trim() : failureWords(r.failure);
}

function failureWords(f: MethodResult['failure']): string {
  switch (f) {
    case 'command-refused': return 'refused';
    case 'connect-timeout': return 'nothing answered';
    case 'connect-refused': return 'connection refused';
    case 'connect-failed': return 'could not connect';
    case 'no-connect-back': return 'the server never connected';
    case 'server-could-not-connect': return 'the server could not connect';
    case 'no-local-port': return 'no free local port';
    default: return 'failed';
  }
}

function passiveFinding(
  byMethod: Map<DataMethod, MethodResult>,
  passive: ProbeAnalysis['passive'],
  active: ProbeAnalysis['active'],
  pasvAddress: ProbeAnalysis['pasvAddress'],
): ProbeFinding {
  const epsv = byMethod.get('EPSV');
  const pasv = byMethod.get('PASV');
  if (passive.ok) {
    const failed = PASSIVE.filter((m) => byMethod.get(m) && !byMethod.get(m)?.ok);
    const note = failed.length ? ` (${failed.map((m) => `${m}: ${methodLine(byMethod.get(m))}`).join('; ')})` : '';
    return { check: 'passive', status: 'ok', summary: `works through ${passive.via.join(' and ')}${note}` };
  }
  const summary = `FAILS (EPSV: ${methodLine(epsv)}; PASV: ${methodLine(pasv)})`;
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

function activeFinding(
  byMethod: Map<DataMethod, MethodResult>,
  active: ProbeAnalysis['active'],
  passive: ProbeAnalysis['passive'],
  localAddress: string | undefined,
  settings: ProbeSettings,
): ProbeFinding {
  const eprt = byMethod.get('EPRT');
  const port = byMethod.get('PORT');
  if (active.ok) {
    const failed = ACTIVE.filter((m) => byMethod.get(m) && !byMethod.get(m)?.ok);
    const note = failed.length ? ` (${failed.map((m) => `${m}: ${methodLine(byMethod.get(m))}`).join('; ')})` : '';
    return { check: 'active', status: 'ok', summary: `works through ${active.via.join(' and ')}${note}` };
  }
  const summary = `FAILS (EPRT: ${methodLine(eprt)}; PORT: ${methodLine(port)})`;
  const toPassive = passive.ok ? { settings: { mode: 'passive' as DataMode } } : {};
  const usePassive = passive.ok ? 'Set "mode" to "passive" (passive mode works here)' : 'Passive mode does not work either';
  const results = [eprt, port].filter((r): r is MethodResult => !!r);
  const offered = settings.activeAddress ?? localAddress;
  const rejected = results.flatMap((r) => r.rejected ?? []);
  if (results.length && results.every((r) => r.failure === 'command-refused')) {
    if (offered && isPrivateAddress(offered) && !settings.activeAddress) {
      return {
        check: 'active',
        status: 'fail',
        summary,
        cause:
          `The server refused the address this machine offered (${offered}). It is a private address: this machine is ` +
          `probably behind NAT, so the server sees the connection come from another address and refuses to connect to ${offered}.`,
        change: `${usePassive}; or set "activeAddress" to this network's public address and forward "activePortRange" on the router to this machine.`,
        ...toPassive,
      };
    }
    return {
      check: 'active',
      status: 'fail',
      summary,
      cause: `The server refuses active mode to ${offered ?? 'this machine'} (PORT/EPRT refused): it does not allow active mode, or not to this address.`,
      change: `${usePassive}${settings.activeAddress ? '; or check "activeAddress"' : ''}.`,
      ...toPassive,
    };
  }
  if (rejected.length) {
    return {
      check: 'active',
      status: 'fail',
      summary,
      cause:
        `A connection arrived from ${rejected.join(', ')}, not from the server's control address: the server's data ` +
        `connections leave through another address (NAT on its side), and the client refuses them as a safety measure.`,
      change: `${usePassive}.`,
      ...toPassive,
    };
  }
  if (results.some((r) => r.failure === 'no-connect-back' || r.failure === 'server-could-not-connect')) {
    const said = results.some((r) => r.failure === 'server-could-not-connect') ? ' (the server said it could not connect)' : '';
    return {
      check: 'active',
      status: 'fail',
      summary,
      cause:
        `The server accepted the address but its data connection never arrived${said}: an inbound firewall on this machine ` +
        `(or a NAT router in front of it) blocks connections from the server, or the server's own firewall blocks its ` +
        `outgoing data connections, often those from source port 20.`,
      change: `${usePassive}.`,
      ...toPassive,
    };
  }
  const first = results.find((r) => r.diagnosis);
  return { check: 'active', status: 'fail', summary, cause: first?.diagnosis ?? 'The active data connection could not be made.', change: `${usePassive}.`, ...toPassive };
}

function port20Finding(byMethod: Map<DataMethod, MethodResult>, active: ProbeAnalysis['active'], src: ProbeAnalysis['activeSource']): ProbeFinding {
  if (src?.fromPort20) {
    return {
      check: 'port-20',
      status: 'info',
      summary: `yes: the server's data connections come from port 20 (${src.address}:20)`,
      cause: 'A firewall that blocks source port 20 (on the server\'s side or this one) breaks active mode; passive mode does not use it.',
    };
  }
  if (src) return { check: 'port-20', status: 'ok', summary: `no: the server's data connections come from port ${src.port}, not 20` };
  const never = ACTIVE.some((m) => {
    const f = byMethod.get(m)?.failure;
    return f === 'no-connect-back' || f === 'server-could-not-connect';
  });
  if (!active.ok && never) {
    return {
      check: 'port-20',
      status: 'warn',
      summary: 'unknown: no active-mode connection arrived',
      cause: 'If the server connects from port 20 (vsftpd: connect_from_port_20=YES), a firewall on its side that blocks source port 20 would explain the failure.',
    };
  }
  return { check: 'port-20', status: 'skipped', summary: 'unknown: active mode did not get as far as a connection' };
}

function pasvAddressFinding(a: ProbeAnalysis['pasvAddress'], pasv: MethodResult | undefined, viaControl: MethodResult | undefined): ProbeFinding {
  if (!a) {
    return { check: 'pasv-address', status: 'skipped', summary: pasv?.reply ? `no address: PASV answered ${pasv.reply.split('\n')[0]}` : 'no 227 reply to compare' };
  }
  if (a.same) return { check: 'pasv-address', status: 'ok', summary: `the 227 reply names the control address ${a.control}` };
  const summary = `the 227 reply names ${a.advertised}${a.private ? ' (private)' : ''}, the control connection goes to ${a.control}`;
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

function tlsFinding(tls: ProbeAnalysis['tls'], input: ProbeInput): ProbeFinding {
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
    out.push('The login failed, so nothing else was tested.');
    if (f?.cause) out.push(`Why: ${f.cause}`);
    out.push(`Change: ${f?.change ?? 'check the host, the port and the login.'}`);
    return out;
  }
  const mode = input.settings.mode;
  const other = mode === 'passive' ? 'active' : 'passive';
  const modeOk = mode === 'passive' ? passive.ok : active.ok;
  if (!passive.ok && !active.ok) {
    out.push('No data connection works, in either mode: listings and transfers fail.');
  } else if (modeOk) {
    out.push(passive.ok && active.ok ? `Both modes work; the current setting (${mode} mode) is fine.` : `The current setting (${mode} mode) works; ${other} mode does not.`);
  } else {
    const fb = input.settings.fallback ? ' (with fallback on, each session first loses time on it)' : '';
    out.push(`The current setting (${mode} mode) does not work here${fb}; ${other} mode does.`);
  }
  const pasvAddressFails = findings.some((f) => f.check === 'pasv-address' && f.status === 'fail');
  for (const f of findings) {
    if (f.check === 'passive' && pasvAddressFails) continue; // the PASV address line says it better
    if (f.status === 'fail' && f.cause) out.push(`Why: ${f.cause}`);
  }
  for (const f of findings) {
    if (f.status === 'warn' && f.cause && f.check !== 'port-20') out.push(`Note: ${f.cause}`);
    if (f.check === 'tls' && f.status === 'info' && f.change) out.push(`Note: ${f.change}`);
  }
  const parts: string[] = [];
  if (change.trustPasvAddress === false) parts.push(`turn off "trustPasvAddress" (the client then connects to ${pasvAddress?.control ?? 'the control address'})`);
  if (change.mode) parts.push(`set "mode" to "${change.mode}"`);
  if (parts.length) {
    out.push(`Change: ${parts.join(', or ')}.`);
  } else if (modeOk) {
    out.push('Change: nothing.');
  } else {
    // Nothing the client can set fixes it: say what the failing mode's finding suggests (the server's admin, a router).
    const f = findings.find((x) => x.check === mode && x.status === 'fail');
    out.push(`Change: ${f?.change ?? 'nothing on this side helps; the firewall or NAT in between must allow FTP data connections.'}`);
  }
  return out;
}

// ---------------------------------------------------------------- text

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
