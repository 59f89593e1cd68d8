/**
 * `probe()`: log in, then list one folder through each data-connection method alone (no fallback), and keep
 * what happened (replies, data connections, errors) as the facts the analysis works from.
 */
import { FtpClient } from '../client';
import { sameAddress } from '../address';
import {
  FtpCertificateError,
  FtpConnectionError,
  FtpDataConnectionError,
  FtpReplyError,
  FtpTimeoutError,
  FtpTlsError,
} from '../errors';
import type { DataMethod } from '../data';
import { formatLogEvent, type FtpLogEvent } from '../log';
import type { FtpConnectOptions } from '../options';
import { analyzeProbe } from './analyze';
import { advertisedAddress, splitEndpoint } from './endpoints';
import { METHODS, type LoginFailure, type MethodResult, type ProbeInput, type ProbeReport } from './report';

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
  const reply = replyTo(ev, (text) => text.split(' ')[0] === method);
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

/**
 * The first reply to the first command `is` picks, pairing replies with commands in order (RFC 959 §4.2: a server
 * answers its commands one after the other): commands sent together (a CWD with the EPRT after it) are logged
 * before their replies, so "the reply logged after the command" may be another command's.
 */
function replyTo(ev: FtpLogEvent[], is: (command: string) => boolean): Extract<FtpLogEvent, { kind: 'reply' }> | undefined {
  const waiting: string[] = [];
  for (const e of ev) {
    if (e.kind === 'command') waiting.push(e.text);
    else if (e.kind === 'reply' && waiting.length > 0) {
      if (is(waiting[0])) return e;
      if (e.code >= 200) waiting.shift(); // a 1xx is followed by the same command's final reply
    }
  }
  return undefined;
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
