import { FtpClient } from './client';
import { FtpDataConnectionError, FtpError, FtpReplyError } from './errors';
import type { DataMethod } from './data';
import { formatLogEvent, type FtpLogEvent } from './log';
import type { FtpConnectOptions } from './options';

export interface MethodResult {
  method: DataMethod;
  ok: boolean;
  ms: number;
  /** The data connection as seen on the wire: who connected to whom, from which port. */
  connection?: string;
  error?: string;
  diagnosis?: string;
}

export interface ProbeReport {
  host: string;
  port: number;
  login: { ok: boolean; error?: string; banner?: string };
  features: string[];
  methods: MethodResult[];
  /** What to set, in plain words. */
  advice: string[];
}

const METHODS: DataMethod[] = ['EPSV', 'PASV', 'EPRT', 'PORT'];

/** Log in, then list one folder through each data-connection method alone, and say what works and why not. */
export async function probe(options: FtpConnectOptions, path = '.'): Promise<ProbeReport> {
  const report: ProbeReport = { host: options.host, port: options.port ?? 21, login: { ok: false }, features: [], methods: [], advice: [] };
  const events: FtpLogEvent[] = [];
  const userLog = options.logger;
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
    report.login = { ok: false, error: (err as Error).message };
    report.advice.push(loginAdvice(err));
    return report;
  }
  const banner = events.find((e): e is Extract<FtpLogEvent, { kind: 'reply' }> => e.kind === 'reply');
  report.login = { ok: true, banner: banner?.text };
  report.features = [...client.features.keys()];
  try {
    for (const method of METHODS) {
      const start = Date.now();
      try {
        const { events: ev } = await client.listWith(method, path);
        const open = ev.find((e) => e.kind === 'data' && e.phase === 'open');
        report.methods.push({ method, ok: true, ms: Date.now() - start, connection: open ? formatLogEvent(open).replace(/^--- /, '') : undefined });
      } catch (err) {
        report.methods.push({
          method,
          ok: false,
          ms: Date.now() - start,
          error: (err as Error).message,
          diagnosis: err instanceof FtpDataConnectionError ? err.diagnosis : undefined,
        });
      }
    }
  } finally {
    await client.close();
  }
  report.advice.push(...advise(report.methods));
  return report;
}

function loginAdvice(err: unknown): string {
  if (err instanceof FtpReplyError && err.code === 530) return 'The server refused the user name or password: check them.';
  if (err instanceof FtpError) return 'Check the host and port, and that an FTP server answers there.';
  return 'Check the host and port.';
}

function advise(methods: MethodResult[]): string[] {
  const ok = (m: DataMethod) => methods.find((r) => r.method === m)?.ok ?? false;
  const passive = ok('EPSV') || ok('PASV');
  const active = ok('EPRT') || ok('PORT');
  if (passive && active) return ['Both modes work: passive (the default) is the better choice behind most firewalls.'];
  if (passive) return ['Use passive mode: active mode cannot connect on this network (see the reasons above).'];
  if (active) return ['Use active mode: passive mode cannot connect on this network (see the reasons above).'];
  return ['No data connection works: see the reasons above. A firewall or NAT between here and the server is the usual cause.'];
}

export function formatProbeReport(r: ProbeReport): string {
  const lines = [`${r.host}:${r.port}`];
  lines.push(r.login.ok ? '  login: ok' : `  login: FAILED: ${r.login.error}`);
  if (r.login.ok) lines.push(`  features: ${r.features.join(' ') || '(none)'}`);
  for (const m of r.methods) {
    lines.push(`  ${m.method.padEnd(5)} ${m.ok ? 'ok  ' : 'FAIL'} ${String(m.ms).padStart(5)} ms  ${m.ok ? m.connection ?? '' : m.error ?? ''}`);
  }
  for (const a of r.advice) lines.push(`  => ${a}`);
  return lines.join('\n');
}
