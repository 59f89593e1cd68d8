/** A data-connection method's result in a few words, for the summaries of the passive and active findings. */
import type { DataMethod } from '../data';
import type { MethodResult, ProbeFinding } from './report';

/** A mode that works: through which of its methods, and what the others answered. */
export function worksFinding(check: 'passive' | 'active', methods: DataMethod[], byMethod: Map<DataMethod, MethodResult>, via: DataMethod[]): ProbeFinding {
  const failed = methods.filter((m) => byMethod.get(m) && !byMethod.get(m)?.ok);
  const note = failed.length ? ` (${failed.map((m) => `${m}: ${methodLine(byMethod.get(m))}`).join('; ')})` : '';
  return { check, status: 'ok', summary: `works through ${via.join(' and ')}${note}` };
}

/** A mode that fails: "FAILS (EPSV: ...; PASV: ...)". */
export function failsSummary(methods: DataMethod[], byMethod: Map<DataMethod, MethodResult>): string {
  return `FAILS (${methods.map((m) => `${m}: ${methodLine(byMethod.get(m))}`).join('; ')})`;
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
